package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.echofs.gateway.xdr.XdrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One server connection: reassembles records, checks call headers, answers what the RPC layer
 * answers itself, reserves memory for the replies of the rest and dispatches them (or parks them
 * until memory is released), and writes replies with as few flushes as it can.
 *
 * <p>Memory (see the package documentation): {@code held} is what this connection has charged
 * to the {@link MemoryBudget}, kept exact on the event loop; the shared counter gets the same
 * changes, some of them ({@code globalDelta}: the replies the server answers itself, and what a
 * finished call gives back) once per batch instead of once per call. Bytes handed to the channel
 * are given back when the channel reports them written: an empty marker buffer with a promise
 * follows the replies of each flush.
 *
 * <p>Everything but {@link #callFinished}, {@link #wakeForMemory} and {@link #evict} runs on the
 * connection's event loop. Replies produced on the event loop are written at once and flushed at
 * the end of the read batch (or by one flush task); replies from other threads go through a queue
 * drained by one event-loop task per burst, which flushes once: only a reply that finds no drain
 * pending wakes the loop ({@code rpc.replies.wakeups} counts those).
 *
 * <p>Records that are not calls (too short to hold xid and message type, or a REPLY) are ignored
 * and counted; the connection stays open since its framing is intact.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter implements RecordAssembler.Sink {

    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    /** Credit a connection takes from the shared counter along with a small call ({@link #credit}). */
    private static final long CREDIT = 64 * 1024;

    /** While replies wait to be written, the write-stall check runs at least this often (real time). */
    private static final long WRITE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    static final int NOT_EVICTED = 0;
    static final int EVICTING = 1;
    static final int GONE = 2;
    private static final AtomicIntegerFieldUpdater<ServerConnection> EVICTION =
            AtomicIntegerFieldUpdater.newUpdater(ServerConnection.class, "eviction");

    /** {@link #tryAdmit} verdicts. */
    private static final int ADMITTED = 0;
    private static final int OWN_BUDGET = 1;
    private static final int GLOBAL_BUDGET = 2;

    private final ServerShared server;
    private final RpcServerMetrics metrics;
    private final MemoryBudget budget;

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
    private long partialSince = -1;
    private long lastActivity;
    private ScheduledFuture<?> timer;
    private long timerDeadline;
    private volatile boolean closed;

    // Memory, event-loop state.
    /** Bytes this connection holds in the budget: partial record, requests, reservations, unwritten replies. */
    private long held;
    /** Part of {@link #held}: the partial record. */
    private long partialCharged;
    /** Part of {@link #held}: bytes of the complete record being handled by {@link #record}. */
    private long recordCounted;
    /** Part of {@link #held}: reply bytes handed to the channel and not yet reported written. */
    private long unwritten;
    /** Part of {@link #unwritten}: bytes written since the last marker. */
    private long batch;
    /** Change of {@link #held} not yet applied to the shared counter (applied by {@link #settle}). */
    private long globalDelta;
    /**
     * Bytes taken from the shared counter for small calls to come in this batch, not yet used (not
     * part of {@link #held}): one compare-and-set per batch instead of one per call. Given back by
     * {@link #settle} at the end of every batch, so only connections in the middle of one hold any.
     */
    private long credit;
    /** Markers written whose promise has not completed. */
    private int markersOut;
    /** Replies are waiting to be written: the write-stall check is on. */
    private boolean stallWatch;
    private long lastWriteProgress;
    private long lastOutboundSample;
    /** Calls waiting for their reservation to fit, in arrival order. */
    private final ArrayDeque<ServerCall> pending = new ArrayDeque<>();
    private boolean admitting;
    /** Reading was switched off by the last {@link #updateAutoRead}. */
    private boolean readingOff;
    /** Reading is paused because the whole budget is taken. */
    private boolean readGated;
    /** In the budget's queue, or woken and not yet run. */
    private boolean queuedForMemory;
    /** What this connection waits for in the budget's queue (read by other threads). */
    volatile long memoryNeed;
    /** {@link #partialCharged}, published for the hoarder search of other threads. */
    private volatile long partialPublished;
    private volatile int eviction;

    /** The last AUTH_SYS body seen and its parsed form, reused while clients repeat it. */
    private ByteBuf lastSysBody;
    private Credential.Sys lastSys;

    private final Queue<ServerCall> fromOtherThreads = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final Runnable flushTask = this::runFlushTask;
    private final Runnable timerTask = this::onTimer;
    private final Runnable memoryTask = this::onMemoryWake;
    private final Runnable evictTask = this::evictNow;

    ServerConnection(ServerShared server) {
        this.server = server;
        this.metrics = server.metrics;
        this.budget = server.memory;
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
        this.assembler = new RecordAssembler(server.config.maxRecordSize(), server.dataAlloc);
        budget.register(this);
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
        if (reconcilePartial()) {
            budget.shedPartials();
            if (closed) return;
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
        if (!readGated && !budget.readable()) {
            // The whole budget is taken, or partial records are over their share while the
            // connections closed for it go: read nothing more until bytes are given back.
            readGated = true;
            metrics.readMemoryPauses.inc();
        }
        updateAutoRead();
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
        budget.unregister(this);
        EVICTION.set(this, GONE);
        assembler.release();
        if (partialCharged != 0) {
            held -= partialCharged;
            budget.addPartial(-partialCharged);
            partialCharged = 0;
            partialPublished = 0;
        }
        ServerCall c;
        while ((c = pending.pollFirst()) != null) {
            budget.waitingCalls.decrementAndGet();
            release(c.counted);
            c.abandon();
        }
        // Replies written after the last marker: the closed channel fails them, nobody reports them.
        unwritten -= batch;
        release(batch);
        batch = 0;
        while ((c = fromOtherThreads.poll()) != null) {
            finishOnLoop(c);
        }
        settle();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
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
        if (stallWatch) {
            long out = outboundPending();
            if (out < lastOutboundSample) lastWriteProgress = now; // bytes left since the last look
            lastOutboundSample = out;
            if (now - lastWriteProgress >= server.writeStallNanos) {
                metrics.writeStalls.inc();
                log.debug("{}: no reply bytes written for {}; closing", remote, server.config.writeStallTimeout());
                closeNow();
                return;
            }
        }
        if (inFlight > 0 || pausedForCalls || queuedForMemory) {
            // Busy, not idle. (A client that stops reading its replies is not busy: once
            // reading is paused for that, no record completes and the idle timeout closes it,
            // unless the write-stall timeout does first.)
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
        if (stallWatch) {
            next = Math.min(next, now + Math.min(WRITE_CHECK_NANOS, server.writeStallNanos));
        }
        armTimer(now, next);
    }

    private long outboundPending() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    // ---------------------------------------------------------------- flow control

    private void updateAutoRead() {
        if (readGated && pending.isEmpty() && !closed) {
            if (budget.readable()) {
                readGated = false;
            } else {
                awaitMemory(MemoryBudget.TO_READ, false); // or, already queued, now waits for this
            }
        }
        boolean want = !pausedForCalls && !closed && channel.isWritable() && pending.isEmpty() && !readGated
                && held < budget.connectionLimit;
        readingOff = !want;
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

    // ---------------------------------------------------------------- memory

    /** Brings the partial record's charge up to date; true if it grew. */
    private boolean reconcilePartial() {
        long now = assembler.heldBytes();
        long delta = now - partialCharged;
        if (delta == 0) return false;
        partialCharged = now;
        partialPublished = now;
        held += delta;
        budget.addPartial(delta);
        return delta > 0;
    }

    /** Gives back {@code bytes} of {@link #held}; the shared counter follows at {@link #settle}. */
    private void release(long bytes) {
        held -= bytes;
        globalDelta -= bytes;
    }

    /** Applies {@link #globalDelta} to the shared counter and gives back the unused credit. */
    private void settle() {
        if (globalDelta != 0 || credit != 0) {
            long d = globalDelta - credit;
            globalDelta = 0;
            credit = 0;
            if (d != 0) budget.add(d);
        }
    }

    /**
     * Charges {@code call}'s reply reservation (and the part of its request not yet counted) if it
     * fits this connection's budget and the global one.
     */
    private int tryAdmit(ServerCall call, boolean woken) {
        long r = call.reservation;
        long counted = call.counted;
        long q = call.requestBytes;
        // A connection with nothing in progress may always run one call, whatever it holds.
        if ((inFlight > 0 || unwritten > 0) && held - counted + r > budget.connectionLimit) {
            return OWN_BUDGET;
        }
        long need = r - counted;
        if (stallWatch && need > MemoryBudget.SMALL && budget.hasWaiters()) {
            // Its client is not taking the replies it has: while others wait, bytes that come
            // free go to them. It tries again when its own replies move.
            return OWN_BUDGET;
        }
        long add = q - counted + r;
        if (need <= MemoryBudget.SMALL && add <= credit) {
            credit -= add;
        } else if (need <= MemoryBudget.SMALL && budget.tryReserveSmall(need + CREDIT, add + CREDIT)) {
            credit += CREDIT;
        } else if (!budget.tryReserve(need, add, woken)) {
            return GLOBAL_BUDGET;
        }
        held += add;
        call.counted = q + r;
        return ADMITTED;
    }

    /** Parks {@code call} behind the calls already waiting; its whole request is counted. */
    private void park(ServerCall call, int verdict) {
        long rest = call.requestBytes - call.counted;
        if (rest > 0) {
            held += rest;
            budget.add(rest);
            call.counted = call.requestBytes;
        }
        pending.addLast(call);
        budget.waitingCalls.incrementAndGet();
        metrics.callsDelayed.inc();
        if (verdict == GLOBAL_BUDGET) awaitMemory(call.reservation - call.counted, false);
    }

    /** Joins the budget's queue (once) until {@code need} bytes fit. */
    private void awaitMemory(long need, boolean front) {
        memoryNeed = need;
        if (queuedForMemory) return;
        queuedForMemory = true;
        budget.await(this, front);
    }

    /** Dispatches waiting calls, in order, while their reservations fit. */
    private void tryAdmitPending(boolean woken) {
        if (admitting || closed || pending.isEmpty()) return;
        admitting = true;
        boolean outer = batching;
        batching = true;
        try {
            ServerCall head;
            while ((head = pending.peekFirst()) != null) {
                int verdict = tryAdmit(head, woken);
                if (verdict != ADMITTED) {
                    if (verdict == GLOBAL_BUDGET) awaitMemory(head.reservation - head.counted, woken);
                    break;
                }
                pending.pollFirst();
                budget.waitingCalls.decrementAndGet();
                dispatch(head);
                if (closed) break;
                if (woken && budget.hasWaiters()) {
                    // Round robin: one call per turn while other connections wait.
                    head = pending.peekFirst();
                    if (head != null) awaitMemory(head.reservation - head.counted, false);
                    break;
                }
            }
        } finally {
            admitting = false;
            batching = outer;
        }
        if (!batching) scheduleFlush();
        updateAutoRead();
    }

    /** The budget's turn for this connection; from any thread. */
    void wakeForMemory() {
        try {
            loop.execute(memoryTask);
        } catch (RejectedExecutionException e) {
            budget.wakeHead(); // shutting down; pass the turn on
        }
    }

    private void onMemoryWake() {
        queuedForMemory = false;
        if (!closed) {
            tryAdmitPending(true);
            updateAutoRead();
        }
        budget.wakeHead(); // whatever is left may fit the next one
    }

    /** Bytes of the partial record held now, as last published (any thread). */
    long partialBytes() {
        return partialPublished;
    }

    int evictionState() {
        return eviction;
    }

    /** Claims this connection for closing by the budget; false if it is claimed or gone already. */
    boolean markEvicting() {
        return EVICTION.compareAndSet(this, NOT_EVICTED, EVICTING);
    }

    /** Closes this connection for holding the most partial-record bytes; from any thread. */
    void evict() {
        if (loop.inEventLoop()) {
            evictNow();
        } else {
            try {
                loop.execute(evictTask);
            } catch (RejectedExecutionException e) {
                // shutting down: the connection closes anyway
            }
        }
    }

    private void evictNow() {
        if (closed) return;
        metrics.budgetCloses.inc();
        budget.logBudgetClose(log, remote, partialCharged);
        closeNow();
        // The partial record is dropped now, not when the channel reports the close.
        assembler.release();
        reconcilePartial();
    }

    // ---------------------------------------------------------------- writing

    /** {@code call} has been answered, dropped or failed, on any thread. */
    void callFinished(ServerCall call) {
        if (loop.inEventLoop()) {
            finishOnLoop(call);
            if (!batching) scheduleFlush();
            return;
        }
        fromOtherThreads.offer(call);
        // One event-loop task (and at most one wake-up of the loop) per burst: only the reply that
        // finds no drain pending schedules one; the drain takes every reply queued until it ends.
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            metrics.replyWakeups.inc();
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The server is shutting down: nothing will be written any more. The flag is
                // cleared so that replies queued later are released by their own threads.
                ServerCall c;
                do {
                    while ((c = fromOtherThreads.poll()) != null) {
                        ReferenceCountUtil.release(c.reply);
                    }
                    drainScheduled.set(false);
                } while (!fromOtherThreads.isEmpty() && drainScheduled.compareAndSet(false, true));
            }
        }
    }

    /**
     * Writes every reply queued by other threads, then flushes once. The pending flag is cleared
     * only once the queue is empty, and checked again after that: a reply queued meanwhile is
     * taken by this drain or schedules the next, never both and never neither.
     */
    private void drain() {
        boolean outer = batching;
        batching = true;
        ServerCall c;
        do {
            while ((c = fromOtherThreads.poll()) != null) {
                finishOnLoop(c);
            }
            drainScheduled.set(false);
        } while (!fromOtherThreads.isEmpty() && drainScheduled.compareAndSet(false, true));
        batching = outer;
        if (!batching) flushIfNeeded();
    }

    private void finishOnLoop(ServerCall call) {
        inFlight--;
        // The request is released and the reservation ends; the reply is charged by write().
        release(call.counted);
        call.counted = 0;
        ByteBuf reply = call.reply;
        call.reply = null;
        if (reply != null) {
            write(reply);
        }
        if (call.unanswerable && !closed) {
            log.debug("{}: no reply could be built for xid {}; closing", remote, call.xid());
            closeNow();
            return;
        }
        if (pausedForCalls && inFlight <= server.resumeInFlight) {
            pausedForCalls = false;
        }
        tryAdmitPending(false);
        if (readingOff) updateAutoRead(); // reading is switched off only by updateAutoRead itself
    }

    /** Writes a reply on the event loop; flushed at the end of the batch or by a flush task. */
    private void write(ByteBuf reply) {
        if (closed) {
            reply.release();
            return;
        }
        int bytes = reply.readableBytes();
        held += bytes;
        globalDelta += bytes;
        unwritten += bytes;
        batch += bytes;
        metrics.bytesOut.inc(bytes);
        ctx.write(reply, ctx.voidPromise());
        needFlush = true;
        if (!batching) scheduleFlush();
    }

    private void scheduleFlush() {
        if (closed) {
            settle(); // nothing to flush any more; what finished calls gave back still counts
            return;
        }
        if ((needFlush || globalDelta != 0 || credit != 0) && !flushTaskScheduled) {
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
                if (batch > 0) writeMarker();
                metrics.flushes.inc();
                ctx.flush();
                if (markersOut > 0 && !stallWatch && !closed) {
                    // Not everything could be written at once: watch for progress.
                    stallWatch = true;
                    long now = server.clock.monotonicNanos();
                    lastWriteProgress = now;
                    lastOutboundSample = outboundPending();
                    armTimer(now, now + Math.min(WRITE_CHECK_NANOS, server.writeStallNanos));
                }
            }
        }
        settle();
    }

    /** Follows the replies written since the last marker with an empty buffer whose promise reports them written. */
    private void writeMarker() {
        long bytes = batch;
        batch = 0;
        markersOut++;
        ChannelPromise p = ctx.newPromise();
        p.addListener(f -> written(bytes));
        ctx.write(Unpooled.EMPTY_BUFFER, p);
    }

    /** The channel wrote (or, closing, dropped) the {@code bytes} of one marker's replies. */
    private void written(long bytes) {
        markersOut--;
        unwritten -= bytes;
        held -= bytes;
        budget.add(-bytes);
        if (stallWatch) {
            lastWriteProgress = server.clock.monotonicNanos();
            if (markersOut == 0) stallWatch = false;
        }
        if (!closed) {
            tryAdmitPending(false);
            updateAutoRead();
        }
    }

    // ---------------------------------------------------------------- calls

    /** Answers a record the RPC layer answers itself. */
    private void answer(ByteBuf record, ByteBuf reply, Counter status) {
        record.release();
        releaseRecord();
        status.inc();
        write(reply);
    }

    /** The record being handled is gone: give back what it counted. */
    private void releaseRecord() {
        if (recordCounted != 0) {
            release(recordCounted);
            recordCounted = 0;
        }
    }

    @Override
    public void record(ByteBuf rec) {
        if (closed) {
            rec.release();
            return;
        }
        // A record reassembled from several reads was counted as a partial record: it stays
        // counted, now as a request.
        if (partialCharged != 0) {
            recordCounted = partialCharged;
            budget.partialToRequest(partialCharged);
            partialCharged = 0;
            partialPublished = 0;
        }
        int n = rec.readableBytes();
        int base = rec.readerIndex();
        if (n < 8 || rec.getInt(base + 4) != RpcWire.CALL) {
            metrics.recordsIgnored.inc();
            rec.release();
            releaseRecord();
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
                    releaseRecord();
                    return;
                }
                if (cached != null) {
                    rec.release();
                    releaseRecord();
                    write(Unpooled.wrappedBuffer(cached));
                    return;
                }
            }
            call = new ServerCall(this, rec, n, xid, program, vers, proc, cred, key);
        } catch (RuntimeException e) {
            server.logFailure(log, prog, vers, "procedure " + proc, "lookup", e);
            answer(rec, RpcWire.accepted(alloc, xid, AcceptStat.SYSTEM_ERR), metrics.systemErr);
            return;
        }
        call.counted = recordCounted;
        recordCounted = 0;
        call.reservation = reservation(program, vers, proc, call, rec);
        // Behind calls already waiting, a call waits too (their turn comes first).
        int verdict = pending.isEmpty() ? tryAdmit(call, false) : OWN_BUDGET;
        if (verdict == ADMITTED) {
            dispatch(call);
        } else {
            park(call, verdict);
        }
    }

    /** The program's reply reservation for {@code call}, capped, plus the RPC reply header. */
    private long reservation(RpcProgram program, int vers, int proc, ServerCall call, ByteBuf rec) {
        int mark = rec.readerIndex();
        long r;
        try {
            r = program.replyReservation(vers, proc, call.args());
        } catch (XdrException | RuntimeException e) {
            r = RpcProgram.DEFAULT_REPLY_RESERVATION;
        } finally {
            rec.readerIndex(mark);
        }
        return Math.max(0, Math.min(r, budget.maxReservation)) + RpcWire.ACCEPTED_HEADER;
    }

    private void dispatch(ServerCall call) {
        callStarted();
        try {
            call.program.dispatch(call);
        } catch (Throwable t) {
            // Errors too (NoClassDefFoundError from a jar replaced under the JVM, OutOfMemoryError):
            // the call is answered SYSTEM_ERR and the event loop goes on.
            metrics.handlerFailures.inc();
            call.dispatchFailed(t);
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
