package org.echofs.gateway.nfs3;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.echofs.gateway.rpc.AuthStat;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcCall;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrWritable;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A test {@link RpcCall}: arguments from XDR bytes, the answer captured (kind, body bytes,
 * thread). Fails the test on a second answer. Its {@link #dataAllocator} keeps every buffer it
 * hands out, so that tests can check they were all released ({@link #unreleased}).
 */
public final class FakeCall implements RpcCall {

    public enum Kind { SUCCESS, GARBAGE_ARGS, SYSTEM_ERR, PROC_UNAVAIL, AUTH_ERROR, DROPPED }

    private final int program, version, procedure;
    private final Credential credential;
    private final InetSocketAddress remote;
    private final XdrDecoder args;
    private final AtomicInteger answers = new AtomicInteger();
    private final CompletableFuture<Kind> done = new CompletableFuture<>();
    private volatile byte[] body;
    private volatile String replyThread;
    private final List<ByteBuf> allocated = new CopyOnWriteArrayList<>();
    private final ByteBufAllocator tracking = new AbstractByteBufAllocator(true) {
        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
            allocated.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
            allocated.add(b);
            return b;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    };

    public FakeCall(int program, int version, int procedure, Credential credential, InetSocketAddress remote,
                    byte[] args) {
        this.program = program;
        this.version = version;
        this.procedure = procedure;
        this.credential = credential;
        this.remote = remote;
        this.args = new XdrDecoder(Unpooled.wrappedBuffer(args));
    }

    /** XDR bytes written by {@code w}. */
    public static byte[] xdr(Consumer<XdrEncoder> w) {
        ByteBuf b = Unpooled.buffer();
        w.accept(new XdrEncoder(b));
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private void answer(Kind kind, byte[] bytes) {
        if (answers.incrementAndGet() != 1) throw new AssertionError("call answered twice");
        body = bytes;
        replyThread = Thread.currentThread().getName();
        done.complete(kind);
    }

    @Override public int xid() { return 42; }

    @Override public int program() { return program; }

    @Override public int version() { return version; }

    @Override public int procedure() { return procedure; }

    @Override public Credential credential() { return credential; }

    @Override public XdrDecoder args() { return args; }

    @Override public InetSocketAddress remoteAddress() { return remote; }

    @Override public InetSocketAddress localAddress() { return new InetSocketAddress("127.0.0.1", 2049); }

    @Override public void reply(XdrWritable b) { answer(Kind.SUCCESS, xdr(b::write)); }

    @Override public void replyGarbageArgs() { answer(Kind.GARBAGE_ARGS, null); }

    @Override public void replySystemError() { answer(Kind.SYSTEM_ERR, null); }

    @Override public void replyProcedureUnavailable() { answer(Kind.PROC_UNAVAIL, null); }

    @Override public void replyAuthError(AuthStat stat) { answer(Kind.AUTH_ERROR, null); }

    @Override public void drop() { answer(Kind.DROPPED, null); }

    @Override public boolean isDone() { return answers.get() > 0; }

    @Override public ByteBufAllocator dataAllocator() { return tracking; }

    /** Buffers handed out by {@link #dataAllocator} so far. */
    public int allocated() { return allocated.size(); }

    /** Buffers handed out by {@link #dataAllocator} and not released. */
    public long unreleased() {
        return allocated.stream().filter(b -> b.refCnt() > 0).count();
    }

    /** The answer's kind, waiting up to 5 s for an asynchronous one. */
    public Kind kind() {
        try {
            return done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer", e);
        }
    }

    /** The SUCCESS body as a decoder (fails when the answer was not SUCCESS). */
    public XdrDecoder reply() {
        Kind k = kind();
        if (k != Kind.SUCCESS) throw new AssertionError("answer was " + k);
        return new XdrDecoder(Unpooled.wrappedBuffer(body));
    }

    public byte[] body() {
        kind();
        return body;
    }

    public String replyThread() {
        kind();
        return replyThread;
    }
}
