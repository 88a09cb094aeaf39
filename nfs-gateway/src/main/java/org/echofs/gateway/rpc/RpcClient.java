package org.echofs.gateway.rpc;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.echofs.core.time.Clock;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrWritable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ONC RPC client over one TCP connection (Netty, NIO): pipelined calls (any number in flight),
 * replies matched by xid, record-marking reassembly, a timeout per call.
 *
 * <p>Threads: every method may be called from any thread. Returned futures complete on the
 * connection's I/O thread, so dependent actions that are not {@code *Async} run there and must
 * not block; calling {@link #call} from them is fine (and is the fastest way to keep a pipeline
 * full: their writes are flushed together at the end of the read batch). Calls from other threads
 * are queued and written by one I/O-thread task per burst with one flush.
 *
 * <p>Failures: a call fails with {@link TimeoutException} when no reply came in its timeout (a
 * late reply is then discarded), with {@link IOException} when the connection closes or the reply
 * is malformed. Every {@link RpcReply} the caller receives must be closed.
 */
public final class RpcClient implements AutoCloseable {

    private final Channel channel;
    private final EventLoop loop;
    private final EventLoopGroup ownGroup;
    private final Handler handler;
    private final Clock clock;
    private final RpcClientConfig config;
    private final ByteBufAllocator alloc;
    private final AtomicInteger nextXid = new AtomicInteger(ThreadLocalRandom.current().nextInt());
    private final Runnable drainTask;
    private volatile EncodedCredential lastCredential;

    private record EncodedCredential(Credential credential, byte[] bytes) { }

    /** A call waiting for its reply; the future the caller holds. */
    private static final class Pending extends CompletableFuture<RpcReply> {
        final int xid;
        final int program;
        final int procedure;
        final long timeoutNanos;
        final long deadline;
        ByteBuf request;

        Pending(int xid, int program, int procedure, long timeoutNanos, long deadline, ByteBuf request) {
            this.xid = xid;
            this.program = program;
            this.procedure = procedure;
            this.timeoutNanos = timeoutNanos;
            this.deadline = deadline;
            this.request = request;
        }

        void fail(Throwable t) {
            if (request != null) {
                request.release();
                request = null;
            }
            completeExceptionally(t);
        }
    }

    /** Raw bytes to write as they are. */
    private record RawWrite(ByteBuf bytes, CompletableFuture<Void> written) { }

    private RpcClient(Channel channel, EventLoopGroup ownGroup, Handler handler, Clock clock, RpcClientConfig config) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.ownGroup = ownGroup;
        this.handler = handler;
        this.clock = clock;
        this.config = config;
        this.alloc = channel.alloc();
        this.drainTask = handler::drain;
    }

    /** Connects with a private single-thread event loop, on the system clock. */
    public static RpcClient connect(InetSocketAddress server, RpcClientConfig config) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rpc-client", true),
                NioIoHandler.newFactory());
        try {
            return connect(server, config, group, SystemClock.INSTANCE, true);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Connects on a shared event loop group (NIO), which the caller owns and shuts down. */
    public static RpcClient connect(InetSocketAddress server, RpcClientConfig config, EventLoopGroup group)
            throws IOException {
        return connect(server, config, group, SystemClock.INSTANCE, false);
    }

    /** As {@link #connect(InetSocketAddress, RpcClientConfig, EventLoopGroup)}, timing calls on {@code clock}. */
    public static RpcClient connect(InetSocketAddress server, RpcClientConfig config, EventLoopGroup group, Clock clock)
            throws IOException {
        return connect(server, config, group, clock, false);
    }

    /** A NIO event loop group of daemon threads to share among clients. */
    public static EventLoopGroup newEventLoopGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("rpc-client", true),
                NioIoHandler.newFactory());
    }

    private static RpcClient connect(InetSocketAddress server, RpcClientConfig config, EventLoopGroup group,
                                     Clock clock, boolean owned) throws IOException {
        Handler handler = new Handler(config, clock);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(handler);
        ChannelFuture f = config.localAddress() == null ? b.connect(server) : b.connect(server, config.localAddress());
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            if (c instanceof IOException io) throw io;
            throw new IOException("cannot connect to " + server + ": " + c, c);
        }
        RpcClient client = new RpcClient(f.channel(), owned ? group : null, handler, clock, config);
        f.channel().eventLoop().execute(handler::started);
        return client;
    }

    /** A call with the configured default timeout. */
    public CompletableFuture<RpcReply> call(int prog, int vers, int proc, Credential cred, XdrWritable args) {
        return call(prog, vers, proc, cred, args, config.callTimeout());
    }

    /**
     * Sends a call and returns its reply. Any reply status completes the future normally (check
     * {@link RpcReply#isSuccess()}); the future fails only for a timeout, a closed connection, a
     * malformed reply, or arguments that threw while being written.
     */
    public CompletableFuture<RpcReply> call(int prog, int vers, int proc, Credential cred, XdrWritable args,
                                            Duration timeout) {
        EncodedCredential c = lastCredential;
        if (c == null || c.credential != cred) {
            c = new EncodedCredential(cred, RpcWire.encodeCredential(cred));
            lastCredential = c;
        }
        XdrWritable body = args == null ? XdrWritable.VOID : args;
        int hint = body.sizeHint();
        ByteBuf buf = alloc.ioBuffer(40 + c.bytes.length + (hint > 0 ? hint : 64));
        int xid = nextXid.incrementAndGet();
        try {
            RpcWire.writeCallHeader(buf, xid, prog, vers, proc, c.bytes);
            body.write(new XdrEncoder(buf));
        } catch (RuntimeException e) {
            buf.release();
            return CompletableFuture.failedFuture(e);
        }
        RpcWire.finish(buf);
        long t = timeout.toNanos();
        Pending p = new Pending(xid, prog, proc, t, clock.monotonicNanos() + t, buf);
        submit(p);
        return p;
    }

    /**
     * Sends {@code record} (a whole call message, from the xid on) as one last fragment and waits
     * for the reply to {@code xid}; for tests that need a hand-made call.
     */
    public CompletableFuture<RpcReply> callRaw(int xid, byte[] record, Duration timeout) {
        ByteBuf buf = alloc.ioBuffer(4 + record.length);
        buf.writeInt(RpcWire.LAST_FRAGMENT | record.length);
        buf.writeBytes(record);
        long t = timeout.toNanos();
        Pending p = new Pending(xid, -1, -1, t, clock.monotonicNanos() + t, buf);
        submit(p);
        return p;
    }

    /** Waits for a reply to {@code xid} without sending anything (pair it with {@link #sendRaw}). */
    public CompletableFuture<RpcReply> expectReply(int xid, Duration timeout) {
        long t = timeout.toNanos();
        Pending p = new Pending(xid, -1, -1, t, clock.monotonicNanos() + t, null);
        submit(p);
        return p;
    }

    /**
     * Writes {@code bytes} to the connection as they are (no record mark added), for tests of
     * hostile input. The future completes once the bytes are written.
     */
    public CompletableFuture<Void> sendRaw(byte[] bytes) {
        ByteBuf buf = alloc.ioBuffer(bytes.length);
        buf.writeBytes(bytes);
        CompletableFuture<Void> written = new CompletableFuture<>();
        submit(new RawWrite(buf, written));
        return written;
    }

    private void submit(Object item) {
        if (loop.inEventLoop()) {
            handler.process(item);
            return;
        }
        handler.submitted.offer(item);
        if (handler.drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                IOException closed = new IOException("client closed");
                Object o;
                while ((o = handler.submitted.poll()) != null) {
                    failItem(o, closed);
                }
            }
        }
    }

    private static void failItem(Object item, Throwable t) {
        if (item instanceof Pending p) {
            p.fail(t);
        } else if (item instanceof RawWrite w) {
            w.bytes.release();
            w.written.completeExceptionally(t);
        }
    }

    public InetSocketAddress localAddress() { return (InetSocketAddress) channel.localAddress(); }

    public InetSocketAddress remoteAddress() { return (InetSocketAddress) channel.remoteAddress(); }

    public boolean isOpen() { return channel.isActive(); }

    /** Completes when the connection has closed, from either side. */
    public CompletableFuture<Void> closeFuture() { return handler.closeFuture; }

    /** Replies received for no pending call (late after a timeout, or never asked for). */
    public long unmatchedReplies() { return handler.unmatchedReplies.get(); }

    /** Closes the connection (pending calls fail) and the private event loop if there is one. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** The connection's pipeline handler; all state is confined to the event loop. */
    private static final class Handler extends ChannelInboundHandlerAdapter implements RecordAssembler.Sink {

        private final RpcClientConfig config;
        private final Clock clock;
        private final IntObjectHashMap<Pending> pending = new IntObjectHashMap<>();
        final Queue<Object> submitted = new ConcurrentLinkedQueue<>();
        final AtomicBoolean drainScheduled = new AtomicBoolean();
        final AtomicLong unmatchedReplies = new AtomicLong();
        final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
        private ChannelHandlerContext ctx;
        private RecordAssembler assembler;
        private boolean batching;
        private boolean needFlush;
        private boolean flushTaskScheduled;
        private boolean closed;
        private ScheduledFuture<?> sweeper;

        Handler(RpcClientConfig config, Clock clock) {
            this.config = config;
            this.clock = clock;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            this.assembler = new RecordAssembler(config.maxRecordSize(), ctx.alloc());
        }

        void started() {
            if (closed) return;
            long every = config.timeoutResolution().toNanos();
            sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, every, every, TimeUnit.NANOSECONDS);
        }

        void drain() {
            drainScheduled.set(false);
            boolean outer = batching;
            batching = true;
            Object o;
            while ((o = submitted.poll()) != null) {
                process(o);
            }
            batching = outer;
            if (!batching) flushIfNeeded();
        }

        void process(Object item) {
            if (closed) {
                failItem(item, new IOException("connection to " + ctx.channel().remoteAddress() + " closed"));
                return;
            }
            if (item instanceof Pending p) {
                if (pending.containsKey(p.xid)) {
                    p.fail(new IllegalStateException("xid " + p.xid + " is already waiting for a reply"));
                    return;
                }
                pending.put(p.xid, p);
                if (p.request != null) {
                    ByteBuf r = p.request;
                    p.request = null;
                    write(r);
                }
            } else if (item instanceof RawWrite w) {
                ctx.write(w.bytes).addListener(f -> {
                    if (f.isSuccess()) w.written.complete(null);
                    else w.written.completeExceptionally(f.cause());
                });
                scheduleFlush();
            }
        }

        private void write(ByteBuf buf) {
            ctx.write(buf, ctx.voidPromise());
            scheduleFlush();
        }

        private void scheduleFlush() {
            needFlush = true;
            if (!batching && !flushTaskScheduled) {
                flushTaskScheduled = true;
                ctx.executor().execute(() -> {
                    flushTaskScheduled = false;
                    flushIfNeeded();
                });
            }
        }

        private void flushIfNeeded() {
            if (needFlush) {
                needFlush = false;
                ctx.flush();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf in)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            batching = true;
            int result;
            try {
                result = closed ? 0 : assembler.feed(in, this);
            } finally {
                in.release();
            }
            if (result == RecordAssembler.TOO_LARGE) {
                failAll(new IOException("reply over " + config.maxRecordSize() + " bytes from "
                        + ctx.channel().remoteAddress()));
                ctx.close();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            batching = false;
            flushIfNeeded();
        }

        @Override
        public void record(ByteBuf rec) {
            int base = rec.readerIndex();
            if (rec.readableBytes() < 8 || rec.getInt(base + 4) != RpcWire.REPLY) {
                rec.release();
                return;
            }
            Pending p = pending.remove(rec.getInt(base));
            if (p == null) {
                unmatchedReplies.incrementAndGet();
                rec.release();
                return;
            }
            RpcReply reply;
            try {
                reply = RpcReply.parse(rec);
            } catch (IOException e) {
                rec.release();
                p.completeExceptionally(new IOException("malformed reply to xid " + p.xid + ": " + e.getMessage()));
                return;
            }
            if (!p.complete(reply)) {
                reply.close(); // cancelled by the caller meanwhile
            }
        }

        private void sweep() {
            if (pending.isEmpty()) return;
            long now = clock.monotonicNanos();
            List<Pending> expired = null;
            for (Pending p : pending.values()) {
                if (now - p.deadline >= 0) {
                    if (expired == null) expired = new ArrayList<>();
                    expired.add(p);
                }
            }
            if (expired == null) return;
            for (Pending p : expired) {
                pending.remove(p.xid);
                p.fail(new TimeoutException("no reply to xid " + p.xid
                        + (p.program >= 0 ? " (program " + p.program + " procedure " + p.procedure + ")" : "")
                        + " within " + Duration.ofNanos(p.timeoutNanos)));
            }
        }

        private void failAll(Throwable t) {
            List<Pending> all = new ArrayList<>(pending.values());
            pending.clear();
            for (Pending p : all) {
                p.fail(t);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failAll(cause instanceof IOException ? cause : new IOException(cause));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = true;
            assembler.release();
            if (sweeper != null) sweeper.cancel(false);
            IOException e = new IOException("connection to " + ctx.channel().remoteAddress() + " closed");
            failAll(e);
            Object o;
            while ((o = submitted.poll()) != null) {
                failItem(o, e);
            }
            closeFuture.complete(null);
            ctx.fireChannelInactive();
        }
    }
}
