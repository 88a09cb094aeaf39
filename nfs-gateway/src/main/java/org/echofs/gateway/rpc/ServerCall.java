package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrWritable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A received call: parked by its connection while its reply reservation does not fit the memory
 * budget, then dispatched. The first answer wins (a compare-and-set), from any thread; later
 * answers are ignored and logged (at WARN the first time per procedure, then at DEBUG).
 * Answering encodes the reply on the answering thread, then releases the argument record,
 * records the reply in the duplicate-request cache when the call is cached, and hands the reply
 * to the connection.
 *
 * <p>A reply that cannot be encoded (the body throws, or memory runs out) is answered SYSTEM_ERR
 * instead; if not even that can be built, the connection is closed, so the client retransmits
 * elsewhere rather than wait for an answer that will never come. Either way it is counted
 * ({@code replies.encode_failures}) and logged.
 */
final class ServerCall implements RpcCall {

    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
    private static final AtomicIntegerFieldUpdater<ServerCall> DONE =
            AtomicIntegerFieldUpdater.newUpdater(ServerCall.class, "done");

    private final ServerConnection conn;
    private final ByteBuf record;
    private final XdrDecoder args;
    private final int xid;
    final RpcProgram program;
    private final int version;
    private final int procedure;
    private final Credential credential;
    private final DuplicateRequestCache.Key drcKey;
    private volatile int done;

    // Memory accounting, owned by the connection's event loop.
    /** Bytes of the request record. */
    final int requestBytes;
    /** Bytes reserved for the reply (RPC header included). */
    long reservation;
    /** Bytes charged to the budget for this call so far: part of the request, then request and reservation. */
    long counted;

    // Set by the answering thread before the call is handed to the connection's queue.
    /** The reply to send, or null (dropped, or nobody listens). */
    ByteBuf reply;
    /** No reply could be built: the connection must close. */
    boolean unanswerable;

    /** @param requestBytes bytes of the whole record ({@code record} may be positioned past its header) */
    ServerCall(ServerConnection conn, ByteBuf record, int requestBytes, int xid, RpcProgram program, int version,
               int procedure, Credential credential, DuplicateRequestCache.Key drcKey) {
        this.conn = conn;
        this.record = record;
        this.requestBytes = requestBytes;
        this.args = new XdrDecoder(record);
        this.xid = xid;
        this.program = program;
        this.version = version;
        this.procedure = procedure;
        this.credential = credential;
        this.drcKey = drcKey;
    }

    @Override public int xid() { return xid; }

    @Override public int program() { return program.program(); }

    @Override public int version() { return version; }

    @Override public int procedure() { return procedure; }

    @Override public Credential credential() { return credential; }

    @Override public XdrDecoder args() { return args; }

    @Override public InetSocketAddress remoteAddress() { return conn.remote(); }

    @Override public InetSocketAddress localAddress() { return conn.local(); }

    @Override public boolean isDone() { return done != 0; }

    @Override public ByteBufAllocator dataAllocator() { return conn.server().dataAlloc; }

    private boolean claim(String what) {
        if (DONE.compareAndSet(this, 0, 1)) return true;
        conn.server().logSecondAnswer(log, program.program(), version, procName(), what, xid);
        return false;
    }

    private String procName() {
        try {
            return program.procedureName(version, procedure);
        } catch (RuntimeException e) {
            return "procedure " + procedure;
        }
    }

    private boolean nobodyListens() {
        return drcKey == null && conn.isClosed();
    }

    @Override
    public void reply(XdrWritable body) {
        if (!claim("SUCCESS")) {
            body.discard();
            return;
        }
        if (nobodyListens()) {
            body.discard();
            finish(null);
            return;
        }
        ByteBuf out;
        try {
            out = RpcWire.success(conn.alloc, xid, body);
            conn.server().metrics.success.inc();
        } catch (Throwable t) {
            out = failureReply("writing the reply", t);
        }
        finish(out);
    }

    /**
     * The SYSTEM_ERR reply for a call whose reply could not be built because of {@code t}
     * (logged and counted), or null when not even that can be built.
     */
    private ByteBuf failureReply(String what, Throwable t) {
        RpcServerMetrics m = conn.server().metrics;
        m.encodeFailures.inc();
        conn.server().logFailure(log, program.program(), version, procName(), what, t);
        try {
            ByteBuf err = RpcWire.accepted(conn.alloc, xid, AcceptStat.SYSTEM_ERR);
            m.systemErr.inc();
            return err;
        } catch (Throwable again) {
            unanswerable = true;
            return null;
        }
    }

    private void fail(String what, AcceptStat stat, Counter counter) {
        if (!claim(what)) return;
        if (nobodyListens()) {
            finish(null);
            return;
        }
        ByteBuf out;
        try {
            out = RpcWire.accepted(conn.alloc, xid, stat);
            counter.inc();
        } catch (Throwable t) {
            out = failureReply("writing " + what, t);
        }
        finish(out);
    }

    @Override
    public void replyGarbageArgs() {
        fail("GARBAGE_ARGS", AcceptStat.GARBAGE_ARGS, conn.server().metrics.garbageArgs);
    }

    @Override
    public void replySystemError() {
        fail("SYSTEM_ERR", AcceptStat.SYSTEM_ERR, conn.server().metrics.systemErr);
    }

    @Override
    public void replyProcedureUnavailable() {
        fail("PROC_UNAVAIL", AcceptStat.PROC_UNAVAIL, conn.server().metrics.procUnavail);
    }

    @Override
    public void replyAuthError(AuthStat stat) {
        if (!claim("AUTH_ERROR " + stat)) return;
        if (nobodyListens()) {
            finish(null);
            return;
        }
        ByteBuf out;
        try {
            out = RpcWire.authError(conn.alloc, xid, stat);
            conn.server().metrics.authError.inc();
        } catch (Throwable t) {
            out = failureReply("writing AUTH_ERROR", t);
        }
        finish(out);
    }

    @Override
    public void drop() {
        if (!claim("drop")) return;
        record.release();
        if (drcKey != null) {
            conn.server().drc.abandon(drcKey);
        }
        conn.server().metrics.callsDropped.inc();
        conn.callFinished(this);
    }

    /** The program's dispatch threw: answer SYSTEM_ERR unless it already answered. */
    void dispatchFailed(Throwable t) {
        conn.server().logFailure(log, program.program(), version, procName(), "dispatch", t);
        if (DONE.compareAndSet(this, 0, 1)) {
            ByteBuf out;
            try {
                out = RpcWire.accepted(conn.alloc, xid, AcceptStat.SYSTEM_ERR);
                conn.server().metrics.systemErr.inc();
            } catch (Throwable again) {
                unanswerable = true;
                out = null;
            }
            finish(out);
        }
    }

    /**
     * Forgets a call that was never dispatched because its connection closed while it waited
     * for memory: releases its arguments and its place in the duplicate-request cache.
     */
    void abandon() {
        if (!DONE.compareAndSet(this, 0, 1)) return;
        record.release();
        if (drcKey != null) {
            conn.server().drc.abandon(drcKey);
        }
    }

    /** Releases the arguments, caches {@code out} (null: no reply) and hands the call back. */
    private void finish(ByteBuf out) {
        record.release();
        if (drcKey != null) {
            if (out != null) {
                try {
                    conn.server().drc.complete(drcKey, ByteBufUtil.getBytes(out));
                } catch (Throwable t) {
                    // Out of heap for the copy: the reply still goes out, uncached.
                    conn.server().drc.abandon(drcKey);
                }
            } else {
                conn.server().drc.abandon(drcKey);
            }
        }
        reply = out;
        conn.callFinished(this);
    }
}
