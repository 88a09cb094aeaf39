package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One server connection: reassembles records, checks call headers, answers what the RPC layer
 * answers itself, dispatches the rest, and writes replies with as few flushes as it can.
 *
 * <p>Everything but {@link #callFinished} runs on the connection's event loop. Replies produced
 * on the event loop are written at once and flushed at the end of the read batch (or by one
 * flush task); replies from other threads go through a queue drained by one event-loop task per
 * burst, which flushes once.
 *
 * <p>Records that are not calls (too short to hold xid and message type, or a REPLY) are ignored
 * and counted; the connection stays open since its framing is intact.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter implements RecordAssembler.Sink {

    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    /** Queued by {@link ServerCall#drop()} in place of a reply. */
    static final Object DROPPED = new Object();

    private final ServerShared server;
    private final RpcServerMetrics metrics;

    private ChannelHandlerContext ctx;
    private Channel channel;
    private EventLoop loop;
    private RecordAssembler assembler;
    private InetSocketAddress remote;
    private InetSocketAddress local;
    ByteBufAllocator alloc;

    // Event-loop state.
    private int inFlight;
    private boolean pausedForCalls;
    private boolean batching;
    private boolean needFlush;
    private boolean flushTaskScheduled;
    private long accountedBytes;
    private long partialSince = -1;
    private long lastActivity;
    private ScheduledFuture<?> timer;
    private long timerDeadline;
    private volatile boolean closed;

    /** The last AUTH_SYS body seen and its parsed form, reused while clients repeat it. */
    private ByteBuf lastSysBody;
    private Credential.Sys lastSys;

    private final Queue<Object> fromOtherThreads = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final Runnable flushTask = this::runFlushTask;
    private final Runnable timerTask = this::onTimer;

    ServerConnection(ServerShared server) {
        this.server = server;
        this.metrics = server.metrics;
    }

    ServerShared server() { return server; }

    InetSocketAddress remote() { return remote; }

    InetSocketAddress local() { return local; }

    boolean isClosed() { return closed; }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        this.loop = channel.eventLoop();
        this.alloc = channel.alloc();
        this.assembler = new RecordAssembler(server.config.maxRecordSize(), alloc);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        remote = (InetSocketAddress) channel.remoteAddress();
        local = (InetSocketAddress) channel.localAddress();
        long now = server.clock.monotonicNanos();
        lastActivity = now;
        armTimer(now, now + server.idleNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closed) {
            in.release();
            return;
        }
        metrics.bytesIn.inc(in.readableBytes());
        batching = true;
        int records;
        try {
            records = assembler.feed(in, this);
        } finally {
            in.release();
        }
        if (closed) {
            return;
        }
        if (records == RecordAssembler.TOO_LARGE) {
            metrics.recordsTooLarge.inc();
            log.debug("{}: record over {} bytes announced; closing", remote, server.config.maxRecordSize());
            closeNow();
            return;
        }
        long held = assembler.bufferedBytes();
        if (held != accountedBytes) {
            long delta = held - accountedBytes;
            long total = server.bufferedBytes.addAndGet(delta);
            accountedBytes = held;
            if (delta > 0 && total > server.config.maxBufferedBytes()) {
                metrics.bufferCapCloses.inc();
                log.debug("{}: partial records of all connections over {} bytes; closing this one", remote,
                        server.config.maxBufferedBytes());
                closeNow();
                return;
            }
        }
        boolean boundary = assembler.atRecordBoundary();
        if (records > 0 || (!boundary && partialSince < 0)) {
            long now = server.clock.monotonicNanos();
            if (records > 0) lastActivity = now;
            if (boundary) {
                partialSince = -1;
            } else {
                partialSince = now;
                armTimer(now, now + server.recordTimeoutNanos);
            }
        } else if (boundary) {
            partialSince = -1;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        batching = false;
        flushIfNeeded();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        assembler.release();
        if (accountedBytes != 0) {
            server.bufferedBytes.addAndGet(-accountedBytes);
            accountedBytes = 0;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        Object o;
        while ((o = fromOtherThreads.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: connection error; closing: {}", remote, cause.toString());
        closeNow();
    }

    private void closeNow() {
        closed = true;
        channel.close();
    }

    // ---------------------------------------------------------------- timers

    private void armTimer(long now, long deadline) {
        if (timer != null) {
            if (timerDeadline <= deadline) return;
            timer.cancel(false);
        }
        timerDeadline = deadline;
        timer = loop.schedule(timerTask, Math.max(deadline - now, TimeUnit.MILLISECONDS.toNanos(1)),
                TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        if (closed) return;
        long now = server.clock.monotonicNanos();
        boolean reading = channel.config().isAutoRead();
        if (reading && partialSince >= 0 && now - partialSince >= server.recordTimeoutNanos) {
            metrics.recordTimeouts.inc();
            log.debug("{}: record not completed within {}; closing", remote, server.config.recordTimeout());
            closeNow();
            return;
        }
        if (inFlight > 0 || pausedForCalls) {
            // Busy, not idle. (A client that stops reading its replies is not busy: once
            // reading is paused for that, no record completes and the idle timeout closes it.)
            lastActivity = now;
        } else if (now - lastActivity >= server.idleNanos) {
            metrics.idleTimeouts.inc();
            log.debug("{}: idle for {}; closing", remote, server.config.idleTimeout());
            closeNow();
            return;
        }
        long next = lastActivity + server.idleNanos;
        if (reading && partialSince >= 0) {
            next = Math.min(next, partialSince + server.recordTimeoutNanos);
        }
        armTimer(now, next);
    }

    // ---------------------------------------------------------------- flow control

    private void updateAutoRead() {
        boolean want = !pausedForCalls && !closed && channel.isWritable();
        if (channel.config().isAutoRead() != want) {
            channel.config().setAutoRead(want);
            if (want && partialSince >= 0) {
                // The record could not progress while reading was off.
                partialSince = server.clock.monotonicNanos();
            }
        }
    }

    private void callStarted() {
        if (++inFlight >= server.maxInFlight && !pausedForCalls) {
            pausedForCalls = true;
            metrics.readPauses.inc();
            updateAutoRead();
        }
    }

    // ---------------------------------------------------------------- writing

    /** The answer (a reply buffer, or {@link #DROPPED}) of a dispatched call, from any thread. */
    void callFinished(Object reply) {
        if (loop.inEventLoop()) {
            finishOnLoop(reply);
            return;
        }
        fromOtherThreads.offer(reply);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The server is shutting down: nothing will be written any more.
                Object o;
                while ((o = fromOtherThreads.poll()) != null) {
                    ReferenceCountUtil.release(o);
                }
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        boolean outer = batching;
        batching = true;
        Object o;
        while ((o = fromOtherThreads.poll()) != null) {
            finishOnLoop(o);
        }
        batching = outer;
        if (!batching) flushIfNeeded();
    }

    private void finishOnLoop(Object reply) {
        inFlight--;
        if (reply != DROPPED) {
            write((ByteBuf) reply);
        }
        if (pausedForCalls && inFlight <= server.resumeInFlight) {
            pausedForCalls = false;
            updateAutoRead();
        }
    }

    /** Writes a reply on the event loop; flushed at the end of the batch or by a flush task. */
    private void write(ByteBuf reply) {
        if (closed) {
            reply.release();
            return;
        }
        metrics.bytesOut.inc(reply.readableBytes());
        ctx.write(reply, ctx.voidPromise());
        needFlush = true;
        if (!batching && !flushTaskScheduled) {
            flushTaskScheduled = true;
            loop.execute(flushTask);
        }
    }

    private void runFlushTask() {
        flushTaskScheduled = false;
        flushIfNeeded();
    }

    private void flushIfNeeded() {
        if (needFlush) {
            needFlush = false;
            if (!closed) {
                metrics.flushes.inc();
                ctx.flush();
            }
        }
    }

    // ---------------------------------------------------------------- calls

    private void answer(ByteBuf record, ByteBuf reply, Counter status) {
        record.release();
        status.inc();
        write(reply);
    }

    @Override
    public void record(ByteBuf rec) {
        if (closed) {
            rec.release();
            return;
        }
        int n = rec.readableBytes();
        int base = rec.readerIndex();
        if (n < 8 || rec.getInt(base + 4) != RpcWire.CALL) {
            metrics.recordsIgnored.inc();
            rec.release();
            return;
        }
        int xid = rec.getInt(base);
        metrics.callsReceived.inc();
        if (n < 12) {
            answer(rec, RpcWire.accepted(alloc, xid, AcceptStat.GARBAGE_ARGS), metrics.garbageArgs);
            return;
        }
        if (rec.getInt(base + 8) != RpcWire.RPC_VERSION) {
            answer(rec, RpcWire.rpcMismatch(alloc, xid), metrics.rpcMismatch);
            return;
        }
        if (n < 24) {
            answer(rec, RpcWire.accepted(alloc, xid, AcceptStat.GARBAGE_ARGS), metrics.garbageArgs);
            return;
        }
        int prog = rec.getInt(base + 12);
        int vers = rec.getInt(base + 16);
        int proc = rec.getInt(base + 20);
        int end = base + n;
        int p = base + 24;

        // Credential.
        if (end - p < 8) {
            answer(rec, RpcWire.authError(alloc, xid, AuthStat.AUTH_BADCRED), metrics.authError);
            return;
        }
        int flavor = rec.getInt(p);
        long credLength = rec.getUnsignedInt(p + 4);
        p += 8;
        if (credLength > RpcWire.MAX_AUTH_BYTES || end - p < pad4(credLength)) {
            answer(rec, RpcWire.authError(alloc, xid, AuthStat.AUTH_BADCRED), metrics.authError);
            return;
        }
        Credential cred;
        if (flavor == Credential.AUTH_NONE) {
            cred = Credential.NONE;
        } else if (flavor == Credential.AUTH_SYS) {
            cred = parseSys(rec, p, (int) credLength);
        } else {
            cred = null; // as Linux nfsd: an unknown flavor is AUTH_BADCRED
        }
        if (cred == null) {
            answer(rec, RpcWire.authError(alloc, xid, AuthStat.AUTH_BADCRED), metrics.authError);
            return;
        }
        p += pad4(credLength);

        // Verifier: only AUTH_NONE is accepted.
        if (end - p < 8) {
            answer(rec, RpcWire.authError(alloc, xid, AuthStat.AUTH_BADVERF), metrics.authError);
            return;
        }
        int verfFlavor = rec.getInt(p);
        long verfLength = rec.getUnsignedInt(p + 4);
        p += 8;
        if (verfFlavor != Credential.AUTH_NONE || verfLength > RpcWire.MAX_AUTH_BYTES
                || end - p < pad4(verfLength)) {
            answer(rec, RpcWire.authError(alloc, xid, AuthStat.AUTH_BADVERF), metrics.authError);
            return;
        }
        p += pad4(verfLength);

        RpcProgram program = server.program(prog);
        if (program == null) {
            answer(rec, RpcWire.accepted(alloc, xid, AcceptStat.PROG_UNAVAIL), metrics.progUnavail);
            return;
        }
        ServerCall call;
        try {
            int low = program.lowVersion();
            int high = program.highVersion();
            if (vers < low || vers > high) {
                answer(rec, RpcWire.progMismatch(alloc, xid, low, high), metrics.progMismatch);
                return;
            }
            if (!program.hasProcedure(vers, proc)) {
                answer(rec, RpcWire.accepted(alloc, xid, AcceptStat.PROC_UNAVAIL), metrics.procUnavail);
                return;
            }
            rec.readerIndex(p);
            DuplicateRequestCache.Key key = null;
            if (server.drc != null && program.isNonIdempotent(vers, proc)) {
                key = DuplicateRequestCache.Key.of(remote.getAddress(), xid, prog, vers, proc, rec);
                byte[] cached = server.drc.begin(key);
                if (cached == DuplicateRequestCache.IN_PROGRESS) {
                    rec.release();
                    return;
                }
                if (cached != null) {
                    rec.release();
                    write(Unpooled.wrappedBuffer(cached));
                    return;
                }
            }
            call = new ServerCall(this, rec, xid, program, vers, proc, cred, key);
        } catch (RuntimeException e) {
            server.logFailure(log, prog, vers, "procedure " + proc, "lookup", e);
            answer(rec, RpcWire.accepted(alloc, xid, AcceptStat.SYSTEM_ERR), metrics.systemErr);
            return;
        }
        callStarted();
        try {
            program.dispatch(call);
        } catch (Throwable t) {
            call.dispatchFailed(t);
            if (t instanceof VirtualMachineError vme) throw vme;
        }
    }

    private static long pad4(long length) {
        return (length + 3) & ~3L;
    }

    /** Parses an AUTH_SYS body; null if it is malformed, over a limit, or not exactly its length. */
    private Credential.Sys parseSys(ByteBuf rec, int off, int length) {
        if (lastSysBody != null && lastSysBody.readableBytes() == length
                && ByteBufUtil.equals(lastSysBody, 0, rec, off, length)) {
            return lastSys;
        }
        int end = off + length;
        if (length < 8) return null;
        int stamp = rec.getInt(off);
        long nameLength = rec.getUnsignedInt(off + 4);
        if (nameLength > RpcWire.MAX_MACHINE_NAME) return null;
        int q = off + 8 + (int) pad4(nameLength);
        if (end - q < 12) return null;
        int uid = rec.getInt(q);
        int gid = rec.getInt(q + 4);
        long count = rec.getUnsignedInt(q + 8);
        if (count > RpcWire.MAX_GIDS || end - (q + 12) != 4 * count) return null;
        int[] gids = new int[(int) count];
        for (int i = 0; i < gids.length; i++) {
            gids[i] = rec.getInt(q + 12 + 4 * i);
        }
        String name = rec.toString(off + 8, (int) nameLength, StandardCharsets.UTF_8);
        Credential.Sys sys = new Credential.Sys(stamp, name, uid, gid, gids);
        byte[] raw = new byte[length];
        rec.getBytes(off, raw);
        lastSysBody = Unpooled.wrappedBuffer(raw);
        lastSys = sys;
        return sys;
    }
}
