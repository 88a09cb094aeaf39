package org.echofs.gateway.rpc;

import org.echofs.gateway.xdr.XdrWritable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.echofs.gateway.rpc.TestProgram.PROG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Limits that keep one bad connection from hurting the others. */
class HostileInputTest {

    private ServerFixture fx;
    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void close() {
        trickler.shutdownNow();
        if (fx != null) fx.close();
    }

    private static void assertNullWorks(RpcClient c) throws Exception {
        try (RpcReply r = c.call(PROG, 1, TestProgram.NULL, Credential.NONE, XdrWritable.VOID).get(10, TimeUnit.SECONDS)) {
            assertTrue(r.isSuccess());
        }
    }

    private static void awaitClosed(RpcClient c) throws Exception {
        c.closeFuture().get(10, TimeUnit.SECONDS);
        assertFalse(c.isOpen());
    }

    @Test
    void twoGibRecordClosesOnlyThatConnection() throws Exception {
        fx = new ServerFixture();
        RpcClient good = fx.client();
        RpcClient bad = fx.client();
        assertNullWorks(good);
        CompletableFuture<RpcReply> heldOnGood = good.call(PROG, 1, TestProgram.HOLD, Credential.NONE, XdrWritable.VOID);
        RpcCall held = fx.program.held.poll(10, TimeUnit.SECONDS);
        bad.sendRaw(ByteBuffer.allocate(12).putInt(0xFFFFFFFF).putInt(1).putInt(2).array());
        awaitClosed(bad);
        assertEquals(1, fx.count("records.too_large"));
        assertEquals(0, fx.server.bufferedBytes());
        assertNullWorks(good);
        held.reply(XdrWritable.VOID);
        heldOnGood.get(10, TimeUnit.SECONDS).close();
        assertTrue(good.isOpen());
    }

    @Test
    void recordOverTheLimitAcrossFragmentsIsRefused() throws Exception {
        fx = new ServerFixture(ServerFixture.testConfig().withMaxRecordSize(4096));
        RpcClient bad = fx.client();
        // 3000 + 3000 bytes: the second header pushes the record over 4096.
        ByteBuffer b = ByteBuffer.allocate(4 + 3000 + 4);
        b.putInt(3000).put(new byte[3000]).putInt(0x80000000 | 3000);
        bad.sendRaw(b.array());
        awaitClosed(bad);
        assertEquals(1, fx.count("records.too_large"));
        assertNullWorks(fx.client());
    }

    @Test
    void partialRecordThatDoesNotCompleteInTimeClosesItsConnection() throws Exception {
        fx = new ServerFixture(ServerFixture.testConfig().withRecordTimeout(Duration.ofMillis(300)));
        RpcClient healthy = fx.client();
        RpcClient stalled = fx.client();
        RpcClient trickling = fx.client();
        // Stalled: a header announcing 100 bytes and 10 of them.
        stalled.sendRaw(ByteBuffer.allocate(14).putInt(0x80000000 | 100).array());
        // Trickling: one byte of a 1000-byte record every 20 ms, which would take 20 s.
        byte[] slow = ByteBuffer.allocate(1004).putInt(0x80000000 | 1000).array();
        AtomicInteger sent = new AtomicInteger();
        trickler.scheduleAtFixedRate(() -> {
            int i = sent.getAndIncrement();
            if (i < slow.length && trickling.isOpen()) trickling.sendRaw(new byte[] {slow[i]});
        }, 0, 20, TimeUnit.MILLISECONDS);
        // Healthy: keeps calling while the others are cut off.
        long start = System.nanoTime();
        while (stalled.isOpen() || trickling.isOpen()) {
            assertNullWorks(healthy);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "slow connections not closed");
        }
        awaitClosed(stalled);
        awaitClosed(trickling);
        assertTrue(sent.get() < 200, "trickler closed after " + sent.get() + " bytes");
        assertEquals(2, fx.count("connections.record_timeouts"));
        assertTrue(healthy.isOpen());
        assertNullWorks(healthy);
    }

    @Test
    void idleConnectionIsClosedButNotOneWithACallInFlight() throws Exception {
        fx = new ServerFixture(ServerFixture.testConfig().withIdleTimeout(Duration.ofMillis(300)));
        RpcClient busy = fx.client();
        CompletableFuture<RpcReply> slowCall = busy.call(PROG, 1, TestProgram.HOLD, Credential.NONE, XdrWritable.VOID);
        RpcCall held = fx.program.held.poll(10, TimeUnit.SECONDS);
        RpcClient idle = fx.client();
        assertNullWorks(idle);
        awaitClosed(idle);
        assertEquals(1, fx.count("connections.idle_timeouts"));
        // The busy connection started earlier and has done nothing since, but its call is still running.
        assertTrue(busy.isOpen());
        held.reply(XdrWritable.VOID);
        slowCall.get(10, TimeUnit.SECONDS).close();
        awaitClosed(busy);
        assertEquals(2, fx.count("connections.idle_timeouts"));
    }

    @Test
    void clientThatNeverReadsItsRepliesIsClosedWhenIdle() throws Exception {
        fx = new ServerFixture(ServerFixture.testConfig().withIdleTimeout(Duration.ofMillis(300)));
        byte[] call = RawCall.record(RawCall.call(1, PROG, 1, TestProgram.ECHO,
                RawCall.xdr().opaque(new byte[60_000]).get()));
        try (java.net.Socket s = new java.net.Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(fx.address);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    java.io.OutputStream out = s.getOutputStream();
                    for (int i = 0; i < 2000; i++) out.write(call); // 120 MB unless stopped
                } catch (java.io.IOException closedByServer) {
                    // expected
                }
            });
            Await.until(() -> fx.count("connections.idle_timeouts") == 1, () -> "idle close of a non-reading client");
            writer.get(10, TimeUnit.SECONDS);
            assertTrue(fx.count("replies.success") < 2000);
        }
        Await.until(() -> fx.server.openConnections() == 0, () -> "connection closed");
    }

    @Test
    void partialRecordsOverTheirShareCloseTheConnectionHoldingTheMost() throws Exception {
        int cap = 64 * 1024;
        // Partial records may take half the budget: 64 KiB.
        fx = new ServerFixture(ServerFixture.testConfig().withMaxRecordSize(cap).withConnectionBudget(cap)
                .withMemoryBudget(2 * cap));
        RpcClient hoarder = fx.client();
        RpcClient newcomer = fx.client();
        byte[] data = new byte[60_000];
        new Random(5).nextBytes(data);
        byte[] call = RawCall.record(RawCall.call(77, PROG, 1, TestProgram.ECHO, RawCall.xdr().opaque(data).get()));
        CompletableFuture<RpcReply> echo = newcomer.expectReply(77, Duration.ofSeconds(10));
        hoarder.sendRaw(ByteBuffer.allocate(40_004).putInt(0x80000000 | 50_000).array()).get(10, TimeUnit.SECONDS);
        Await.until(() -> fx.server.bufferedBytes() >= 39_000, () -> "buffered " + fx.server.bufferedBytes());
        // 40 000 + 30 000 bytes of partial records are over 64 KiB: the one holding more goes.
        newcomer.sendRaw(Arrays.copyOf(call, 30_000));
        awaitClosed(hoarder);
        assertEquals(1, fx.count("connections.budget_closed"));
        assertTrue(newcomer.isOpen());
        newcomer.sendRaw(Arrays.copyOfRange(call, 30_000, call.length));
        try (RpcReply r = echo.get(10, TimeUnit.SECONDS)) {
            assertArrayEquals(data, r.results().readOpaque(cap));
        }
        Await.until(() -> fx.server.bufferedBytes() == 0, () -> "buffered " + fx.server.bufferedBytes());
        Await.until(() -> fx.server.reservedBytes() == 0, () -> "reserved " + fx.server.reservedBytes());
    }

    @Test
    void connectionsOverTheLimitAreClosedAtOnce() throws Exception {
        fx = new ServerFixture(ServerFixture.testConfig().withMaxConnections(2));
        RpcClient a = fx.client();
        RpcClient b = fx.client();
        assertNullWorks(a);
        assertNullWorks(b);
        RpcClient c = fx.client();
        awaitClosed(c);
        assertThrows(Exception.class,
                () -> c.call(PROG, 1, TestProgram.NULL, Credential.NONE, XdrWritable.VOID).get(10, TimeUnit.SECONDS));
        assertEquals(1, fx.count("connections.rejected"));
        a.close();
        Await.until(() -> fx.server.openConnections() == 1, () -> "open " + fx.server.openConnections());
        RpcClient d = fx.client();
        assertNullWorks(d);
        assertNullWorks(b);
        assertEquals(3, fx.count("connections.accepted"));
    }

    @Test
    void readingPausesAtTheInFlightLimitAndResumesAtHalf() throws Exception {
        fx = new ServerFixture(ServerFixture.testConfig().withMaxCallsInFlightPerConnection(4));
        RpcClient c = fx.client();
        CompletableFuture<?>[] first = new CompletableFuture<?>[4];
        for (int i = 0; i < 4; i++) {
            first[i] = c.call(PROG, 1, TestProgram.HOLD, Credential.NONE, XdrWritable.VOID);
        }
        RpcCall[] held = new RpcCall[4];
        for (int i = 0; i < 4; i++) held[i] = fx.program.held.poll(10, TimeUnit.SECONDS);
        assertEquals(1, fx.count("reads.paused"));
        CompletableFuture<RpcReply> later = c.call(PROG, 1, TestProgram.NULL, Credential.NONE, XdrWritable.VOID);
        // Not read while four calls are in flight.
        assertNull(fx.program.held.poll(200, TimeUnit.MILLISECONDS));
        assertFalse(later.isDone());
        held[0].reply(XdrWritable.VOID);
        first[0].get(10, TimeUnit.SECONDS);
        // Three in flight is above half of four: still paused.
        assertThrows(java.util.concurrent.TimeoutException.class, () -> later.get(150, TimeUnit.MILLISECONDS));
        held[1].reply(XdrWritable.VOID);
        later.get(10, TimeUnit.SECONDS).close();
        held[2].drop();
        held[3].reply(XdrWritable.VOID);
        first[0].get(10, TimeUnit.SECONDS);
        first[1].get(10, TimeUnit.SECONDS);
        first[3].get(10, TimeUnit.SECONDS);
        for (int i : new int[] {0, 1, 3}) ((RpcReply) first[i].join()).close();
    }
}
