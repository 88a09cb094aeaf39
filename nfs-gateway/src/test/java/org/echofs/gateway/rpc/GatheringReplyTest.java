package org.echofs.gateway.rpc;

import io.netty.buffer.ByteBuf;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrWritable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.echofs.gateway.rpc.TestProgram.PROG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replies whose bodies append buffers of their own ({@link XdrEncoder#appendOpaque}, as READ
 * does): sent without a copy, and every such buffer released exactly once whatever becomes of the
 * reply.
 */
class GatheringReplyTest {

    private final ServerFixture fx = new ServerFixture();
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void close() {
        fx.close();
    }

    private ByteBuf data(byte[] bytes) {
        return alloc.directBuffer(bytes.length).writeBytes(bytes);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** A body owning {@code data}, as READ's: appended when written, released when discarded. */
    private static final class Owning implements XdrWritable {
        private ByteBuf data;
        private final boolean throwAfter;

        Owning(ByteBuf data, boolean throwAfter) {
            this.data = data;
            this.throwAfter = throwAfter;
        }

        @Override
        public void write(XdrEncoder enc) {
            enc.writeInt(7);
            ByteBuf d = data;
            data = null;
            enc.appendOpaque(d);
            enc.writeInt(8);
            if (throwAfter) throw new IllegalStateException("fails after appending");
        }

        @Override
        public void discard() {
            if (data != null) {
                data.release();
                data = null;
            }
        }
    }

    private RpcCall hold(RpcClient c, int proc, CompletableFuture<RpcReply>[] reply) throws Exception {
        reply[0] = c.call(PROG, 1, proc, Credential.NONE, enc -> enc.writeInt(1));
        RpcCall call = fx.program.held.poll(10, TimeUnit.SECONDS);
        assertTrue(call != null, "call held");
        return call;
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<RpcReply>[] slot() {
        return new CompletableFuture[1];
    }

    private void assertAllReleased() {
        Await.until(() -> alloc.unreleased() == 0, () -> alloc.unreleased() + " buffers not released");
    }

    @Test
    void appendedDataIsSentAndReleasedOnceWritten() throws Exception {
        RpcClient c = fx.client();
        for (int n : new int[] {1, 4095, XdrEncoder.GATHER_MIN, 100_001, 1024 * 1024}) {
            CompletableFuture<RpcReply>[] f = slot();
            RpcCall call = hold(c, TestProgram.HOLD, f);
            byte[] b = bytes(n);
            call.reply(new Owning(data(b), false));
            try (RpcReply r = f[0].get(10, TimeUnit.SECONDS)) {
                assertTrue(r.isSuccess());
                assertEquals(7, r.results().readInt());
                assertArrayEquals(b, r.results().readOpaque(2 * 1024 * 1024), "opaque of " + n + " bytes");
                assertEquals(8, r.results().readInt());
                assertEquals(0, r.results().remaining());
            }
            assertAllReleased();
        }
        Await.until(() -> fx.server.reservedBytes() == 0, () -> "reserved " + fx.server.reservedBytes());
    }

    @Test
    void cachedReplyWithAppendedDataIsReleasedToo() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply>[] f = slot();
        RpcCall call = hold(c, TestProgram.HOLD_CACHED, f);
        byte[] b = bytes(70_000);
        call.reply(new Owning(data(b), false));
        try (RpcReply r = f[0].get(10, TimeUnit.SECONDS)) {
            assertEquals(7, r.results().readInt());
            assertArrayEquals(b, r.results().readOpaque(100_000));
        }
        assertAllReleased();
    }

    @Test
    void secondAnswerDiscardsItsBody() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply>[] f = slot();
        RpcCall call = hold(c, TestProgram.HOLD, f);
        call.reply(XdrWritable.VOID);
        call.reply(new Owning(data(bytes(50_000)), false));
        assertEquals(0, alloc.unreleased());
        f[0].get(10, TimeUnit.SECONDS).close();
    }

    @Test
    void replyAfterTheConnectionClosedReleasesTheData() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply>[] f = slot();
        RpcCall call = hold(c, TestProgram.HOLD, f);
        c.close();
        Await.until(() -> fx.server.openConnections() == 0, () -> "connection still open");
        call.reply(new Owning(data(bytes(200_000)), false));
        assertEquals(0, alloc.unreleased());
        Await.until(() -> fx.server.reservedBytes() == 0, () -> "reserved " + fx.server.reservedBytes());
    }

    @Test
    void bodyFailingAfterAppendingIsSystemErrAndReleasesEverything() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply>[] f = slot();
        RpcCall call = hold(c, TestProgram.HOLD, f);
        call.reply(new Owning(data(bytes(30_000)), true));
        try (RpcReply r = f[0].get(10, TimeUnit.SECONDS)) {
            assertEquals(AcceptStat.SYSTEM_ERR, r.acceptStat());
        }
        assertEquals(0, alloc.unreleased());
        // A body failing before it appends: its data is released by discard.
        CompletableFuture<RpcReply>[] g = slot();
        RpcCall second = hold(c, TestProgram.HOLD, g);
        ByteBuf d = data(bytes(30_000));
        second.reply(new XdrWritable() {
            @Override
            public void write(XdrEncoder enc) {
                throw new IllegalStateException("fails before appending");
            }

            @Override
            public void discard() {
                if (d.refCnt() > 0) d.release();
            }
        });
        try (RpcReply r = g[0].get(10, TimeUnit.SECONDS)) {
            assertEquals(AcceptStat.SYSTEM_ERR, r.acceptStat());
        }
        assertEquals(0, alloc.unreleased());
    }

    @Test
    void replyToAClientThatDoesNotReadIsReleasedWhenTheConnectionCloses() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply>[] f = slot();
        RpcCall call = hold(c, TestProgram.HOLD, f);
        call.reply(new Owning(data(bytes(1024 * 1024)), false));
        c.close();
        assertAllReleased();
        Await.until(() -> fx.server.reservedBytes() == 0, () -> "reserved " + fx.server.reservedBytes());
    }
}
