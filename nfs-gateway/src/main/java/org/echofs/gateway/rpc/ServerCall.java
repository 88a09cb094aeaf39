package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrWritable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A dispatched call. The first answer wins (a compare-and-set), from any thread; later answers
 * are ignored and logged (at WARN the first time per procedure, then at DEBUG). Answering encodes the reply on the answering thread, then
 * releases the argument record, records the reply in the duplicate-request cache when the call
 * is cached, and hands the bytes to the connection.
 */
final class ServerCall implements RpcCall {

    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
    private static final AtomicIntegerFieldUpdater<ServerCall> DONE =
            AtomicIntegerFieldUpdater.newUpdater(ServerCall.class, "done");

    private final ServerConnection conn;
    private final ByteBuf record;
    private final XdrDecoder args;
    private final int xid;
    private final RpcProgram program;
    private final int version;
    private final int procedure;
    private final Credential credential;
    private final DuplicateRequestCache.Key drcKey;
    private volatile int done;

    ServerCall(ServerConnection conn, ByteBuf record, int xid, RpcProgram program, int version, int procedure,
               Credential credential, DuplicateRequestCache.Key drcKey) {
        this.conn = conn;
        this.record = record;
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
        if (!claim("SUCCESS")) return;
        if (nobodyListens()) {
            finish(null);
            return;
        }
        RpcServerMetrics m = conn.server().metrics;
        ByteBuf out;
        try {
            out = RpcWire.success(conn.alloc, xid, body);
            m.success.inc();
        } catch (RuntimeException e) {
            conn.server().logFailure(log, program.program(), version, procName(), "writing the reply", e);
            out = RpcWire.accepted(conn.alloc, xid, AcceptStat.SYSTEM_ERR);
            m.systemErr.inc();
        }
        finish(out);
    }

    private void fail(String what, AcceptStat stat, Counter counter) {
        if (!claim(what)) return;
        if (nobodyListens()) {
            finish(null);
            return;
        }
        counter.inc();
        finish(RpcWire.accepted(conn.alloc, xid, stat));
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
        conn.server().metrics.authError.inc();
        finish(RpcWire.authError(conn.alloc, xid, stat));
    }

    @Override
    public void drop() {
        if (!claim("drop")) return;
        record.release();
        if (drcKey != null) {
            conn.server().drc.abandon(drcKey);
        }
        conn.server().metrics.callsDropped.inc();
        conn.callFinished(ServerConnection.DROPPED);
    }

    /** The program's dispatch threw: answer SYSTEM_ERR unless it already answered. */
    void dispatchFailed(Throwable t) {
        conn.server().logFailure(log, program.program(), version, procName(), "dispatch", t);
        if (DONE.compareAndSet(this, 0, 1)) {
            conn.server().metrics.systemErr.inc();
            finish(RpcWire.accepted(conn.alloc, xid, AcceptStat.SYSTEM_ERR));
        }
    }

    /** Releases the arguments, caches and sends {@code reply} (null: the connection is gone). */
    private void finish(ByteBuf reply) {
        record.release();
        if (drcKey != null && reply != null) {
            conn.server().drc.complete(drcKey, ByteBufUtil.getBytes(reply));
        }
        conn.callFinished(reply == null ? ServerConnection.DROPPED : reply);
    }
}
