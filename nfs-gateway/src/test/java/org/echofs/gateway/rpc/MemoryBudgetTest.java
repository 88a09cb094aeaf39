package org.echofs.gateway.rpc;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import org.echofs.gateway.xdr.XdrWritable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.echofs.gateway.rpc.BigReplyProgram.BIG;
import static org.echofs.gateway.rpc.BigReplyProgram.PROG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory budget: clients that do not read their large replies hold at most their
 * connection's budget and, together, at most the server's; everyone else keeps getting answers;
 * parked calls complete once their clients read; stalled writers and partial-record hoarders are
 * closed; whatever a connection held is given back when it goes.
 */
class MemoryBudgetTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    private final MetricRegistry metrics = new MetricRegistry();
    private final BigReplyProgram program = new BigReplyProgram();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RpcServer server;
    private InetSocketAddress address;
    private Sampler sampler;

    @AfterEach
    void tearDown() throws Exception {
        if (sampler != null) sampler.stop();
        RpcCall c;
        while ((c = program.held.poll()) != null) c.drop();
        for (AutoCloseable a : closeables) a.close();
        if (server != null) server.close();
    }

    private static RpcServerConfig config(long connectionBudget, long memoryBudget) {
        return ServerFixture.testConfig().withMaxRecordSize(64 * KIB).withConnectionBudget(connectionBudget)
                .withMemoryBudget(memoryBudget);
    }

    private void start(RpcServerConfig config, org.echofs.core.time.Clock clock) {
        server = clock == null ? new RpcServer(config, List.of(program), metrics)
                : new RpcServer(config, List.of(program), metrics, clock);
        address = server.start();
        sampler = new Sampler();
    }

    private long gauge(String name) {
        Gauge<?> g = metrics.getGauges().get("rpc." + name);
        return ((Number) g.getValue()).longValue();
    }

    private long count(String name) {
        return metrics.counter("rpc." + name).getCount();
    }

    private RpcClient client() throws IOException {
        RpcClient c = RpcClient.connect(address, RpcClientConfig.defaults().withCallTimeout(Duration.ofSeconds(10)));
        closeables.add(c);
        return c;
    }

    private RawClient raw() throws IOException {
        RawClient c = new RawClient(address);
        closeables.add(c);
        return c;
    }

    /** The reserved-bytes gauge, sampled every millisecond from another thread: its peak. */
    private final class Sampler implements Runnable {
        final AtomicLong peak = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread = new Thread(this, "reserved-sampler");

        Sampler() {
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (!stop.get()) {
                peak.accumulateAndGet(gauge("memory.reserved"), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }

        long stop() throws InterruptedException {
            stop.set(true);
            thread.join(5000);
            return peak.get();
        }
    }

    private static void assertNullWorks(RpcClient c) throws Exception {
        try (RpcReply r = c.call(PROG, 1, BigReplyProgram.NULL, Credential.NONE, XdrWritable.VOID)
                .get(10, TimeUnit.SECONDS)) {
            assertTrue(r.isSuccess());
        }
    }

    private static void assertBigWorks(RpcClient c, int size) throws Exception {
        try (RpcReply r = c.call(PROG, 1, BIG, Credential.NONE, enc -> enc.writeInt(size)).get(10, TimeUnit.SECONDS)) {
            assertTrue(r.isSuccess());
            assertEquals(size, r.results().readOpaque(size).length);
        }
    }

    /** {@code n} BIG calls of {@code size} bytes, xids first..first+n-1, as one write. */
    private static byte[] bigCalls(int first, int n, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            out.writeBytes(RawCall.record(RawCall.call(first + i, PROG, 1, BIG, BigReplyProgram.bigArgs(size))));
        }
        return out.toByteArray();
    }

    @Test
    void clientThatDoesNotReadHoldsOnlyItsConnectionBudgetAndGetsEverythingWhenItReads() throws Exception {
        start(config(2 * MIB, 64 * MIB), null);
        RawClient slow = raw();
        int n = 60;
        int size = 512 * KIB;
        slow.send(bigCalls(1000, n, size));
        // Some calls run; the rest wait for the connection's replies to be written.
        Await.until(() -> gauge("calls.waiting_for_memory") > 0, () -> "calls waiting for memory");
        RpcClient good = client();
        for (int i = 0; i < 20; i++) {
            assertNullWorks(good);
            assertBigWorks(good, 4 * KIB);
        }
        int dispatched = program.bigDispatched.get();
        assertTrue(dispatched < n, dispatched + " of " + n + " dispatched although the client reads nothing");
        assertTrue(gauge("memory.reserved") <= 2 * MIB + n * 64, "reserved " + gauge("memory.reserved"));
        assertTrue(count("calls.delayed_for_memory") > 0);

        // Reading late gets every answer, in full.
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            RawClient.Reply r = slow.read();
            assertTrue(r.accepted() && r.acceptStat() == 0, "reply " + r);
            assertEquals(4 + size, r.results(), "results of xid " + r.xid());
            assertTrue(seen.add(r.xid()), "xid " + r.xid() + " twice");
        }
        assertEquals(n, program.bigDispatched.get() - 20);
        assertEquals(0, gauge("calls.waiting_for_memory"));
        Await.until(() -> gauge("memory.reserved") == 0, () -> "reserved " + gauge("memory.reserved"));
        long peak = sampler.stop();
        assertTrue(peak <= 2 * MIB + n * 64 + 8 * KIB, "peak reserved " + peak);
        assertTrue(peak > MIB, "peak reserved " + peak + ": the budget was never used");
    }

    @Test
    void nonReadingClientsTogetherStayWithinTheServerBudgetWhileSmallCallsGoOn() throws Exception {
        long budget = 8 * MIB;
        // Six connections may hold 2 MiB each: more than the 7 MiB large reservations may take.
        start(config(2 * MIB, budget), null);
        int clients = 6;
        int n = 40;
        int size = 512 * KIB;
        List<RawClient> slow = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            RawClient r = raw();
            r.send(bigCalls(10_000 * (c + 1), n, size));
            slow.add(r);
        }
        Await.until(() -> gauge("calls.waiting_for_memory") > 0 && gauge("memory.reserved") > budget / 2,
                () -> "the budget to fill: reserved " + gauge("memory.reserved"));
        // Small calls still have room: large reservations stop at seven eighths of the budget.
        RpcClient good = client();
        for (int i = 0; i < 50; i++) {
            assertNullWorks(good);
            assertBigWorks(good, 2 * KIB);
        }
        assertTrue(program.bigDispatched.get() < clients * n + 50);
        // Once they read, every slow client gets all its replies: nobody is starved.
        List<CompletableFuture<String>> readers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int first = 10_000 * (c + 1);
            RawClient client = slow.get(c);
            readers.add(CompletableFuture.supplyAsync(() -> {
                Set<Integer> seen = new HashSet<>();
                try {
                    for (int i = 0; i < n; i++) {
                        RawClient.Reply r = client.read();
                        if (r.results() != 4 + size || r.xid() < first || r.xid() >= first + n || !seen.add(r.xid())) {
                            return "unexpected reply " + r;
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return "after " + seen.size() + " replies: " + e;
                }
            }));
        }
        for (CompletableFuture<String> r : readers) {
            assertNull(r.get(60, TimeUnit.SECONDS));
        }
        Await.until(() -> gauge("memory.reserved") == 0 && gauge("calls.waiting_for_memory") == 0,
                () -> "reserved " + gauge("memory.reserved") + ", waiting " + gauge("calls.waiting_for_memory"));
        long peak = sampler.stop();
        assertTrue(peak <= budget, "peak reserved " + peak + " over the budget " + budget);
        assertTrue(peak > budget / 2, "peak reserved " + peak + ": the budget was never used");
        assertEquals(budget, gauge("memory.budget"));
    }

    @Test
    void writeStallTimeoutClosesAClientThatStopsReading() throws Exception {
        TestClock clock = new TestClock();
        start(config(2 * MIB, 64 * MIB).withWriteStallTimeout(Duration.ofSeconds(30)), clock);
        RpcClient good = client();
        assertNullWorks(good);
        RawClient slow = raw();
        slow.send(bigCalls(1, 60, 512 * KIB));
        awaitSteady();
        clock.advance(Duration.ofSeconds(29));
        // Not yet: the check runs every second (real time); give it one and a half.
        Thread.sleep(1500);
        assertEquals(0, count("connections.write_stalls"));
        assertEquals(2, server.openConnections());
        clock.advance(Duration.ofSeconds(2));
        Await.until(() -> count("connections.write_stalls") == 1, () -> "write-stall close; reserved "
                + gauge("memory.reserved") + ", waiting " + gauge("calls.waiting_for_memory") + ", open "
                + server.openConnections() + ", dispatched " + program.bigDispatched.get());
        Await.until(() -> gauge("memory.reserved") == 0 && gauge("calls.waiting_for_memory") == 0,
                () -> "reserved " + gauge("memory.reserved") + ", waiting " + gauge("calls.waiting_for_memory"));
        assertEquals(1, server.openConnections());
        // The reading client had nothing waiting to be written: still served.
        assertNullWorks(good);
        assertEquals(0, count("connections.idle_timeouts"));
    }

    /**
     * Waits until calls wait for memory and nothing has changed for half a second: the server has
     * done all it can for clients that do not read.
     */
    private void awaitSteady() {
        Await.until(() -> gauge("calls.waiting_for_memory") > 0, () -> "calls waiting for memory");
        long[] last = {-1, -1};
        long[] since = {System.nanoTime()};
        Await.until(() -> {
            long d = program.bigDispatched.get();
            long r = gauge("memory.reserved");
            if (d != last[0] || r != last[1]) {
                last[0] = d;
                last[1] = r;
                since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] > 500_000_000L;
        }, () -> "a steady state");
    }

    @Test
    void hoarderOfPartialRecordsIsClosedFirst() throws Exception {
        // Partial records may take half of a 128 KiB budget.
        start(config(64 * KIB, 128 * KIB), null);
        RawClient small = raw();
        RawClient big = raw();
        RawClient medium = raw();
        // Headers announcing 30 000-byte records, and part of them.
        small.send(partial(8_000));
        big.send(partial(29_000));
        medium.send(partial(20_000));
        Await.until(() -> server.bufferedBytes() == 57_000, () -> "buffered " + server.bufferedBytes());
        RawClient newcomer = raw();
        newcomer.send(partial(9_000));
        // 66 000 bytes of partial records, over 64 KiB: the one holding the most goes, nobody else.
        assertTrue(big.closedWithin(Duration.ofSeconds(10)) != null, "the hoarder was not closed");
        assertEquals(1, count("connections.budget_closed"));
        Await.until(() -> server.bufferedBytes() == 37_000, () -> "buffered " + server.bufferedBytes());
        for (RawClient c : List.of(small, medium, newcomer)) {
            assertNull(c.closedWithin(Duration.ofMillis(50)));
        }
        assertEquals(3, server.openConnections());
        // The others complete their records and get their answers.
        int[] sent = {8_000, 20_000, 9_000};
        RawClient[] others = {small, medium, newcomer};
        for (int i = 0; i < 3; i++) {
            byte[] rest = new byte[30_000 - sent[i]];
            others[i].send(rest);
            RawClient.Reply r = others[i].read();
            assertTrue(r.accepted(), "reply " + r);
        }
        Await.until(() -> server.bufferedBytes() == 0 && gauge("memory.reserved") == 0,
                () -> "buffered " + server.bufferedBytes() + ", reserved " + gauge("memory.reserved"));
    }

    /** A record mark announcing a 30 000-byte NULL call and its first {@code bytes} bytes. */
    private static byte[] partial(int bytes) {
        byte[] body = RawCall.call(7, PROG, 1, BigReplyProgram.NULL, new byte[30_000 - 40]);
        assertEquals(30_000, body.length);
        return java.util.Arrays.copyOf(RawCall.record(body), 4 + bytes);
    }

    @Test
    void everythingAConnectionHeldIsGivenBackWhenItCloses() throws Exception {
        // One I/O thread: the calls answered by RELEASE below are answered on their own event loop.
        start(config(2 * MIB, 64 * MIB).withIoThreads(1), null);
        RawClient slow = raw();
        ByteArrayOutputStream calls = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            calls.writeBytes(RawCall.record(RawCall.call(500 + i, PROG, 1, BigReplyProgram.HOLD, new byte[0])));
        }
        calls.writeBytes(bigCalls(1, 60, 512 * KIB));
        calls.writeBytes(java.util.Arrays.copyOf(RawCall.record(new byte[50_000]), 30_000)); // and a partial record
        slow.send(calls.toByteArray());
        Await.until(() -> gauge("calls.waiting_for_memory") > 0 && program.held.size() == 3,
                () -> "calls waiting for memory and held");
        // replies the kernel's socket buffers take are freed at once, so the figure moves until they are full
        Await.until(() -> gauge("memory.reserved") > MIB, () -> "reserved " + gauge("memory.reserved"));
        slow.reset();
        Await.until(() -> server.openConnections() == 0, () -> "the connection to close");
        Await.until(() -> gauge("calls.waiting_for_memory") == 0, () -> "waiting calls to be forgotten");
        // The three held calls are still running: their request and reservation stay counted.
        Await.until(() -> gauge("memory.reserved") == 3 * (RpcWire.ACCEPTED_HEADER
                        + RpcProgram.DEFAULT_REPLY_RESERVATION + 40),
                () -> "reserved " + gauge("memory.reserved"));
        assertEquals(0, server.bufferedBytes());
        // One answered from another thread, two on the event loop of the closed connection.
        program.held.poll().reply(XdrWritable.VOID);
        Await.until(() -> gauge("memory.reserved") == 2 * (RpcWire.ACCEPTED_HEADER
                        + RpcProgram.DEFAULT_REPLY_RESERVATION + 40),
                () -> "reserved " + gauge("memory.reserved"));
        RpcClient other = client();
        try (RpcReply r = other.call(PROG, 1, BigReplyProgram.RELEASE, Credential.NONE, XdrWritable.VOID)
                .get(10, TimeUnit.SECONDS)) {
            assertTrue(r.isSuccess());
        }
        Await.until(() -> gauge("memory.reserved") == 0, () -> "reserved " + gauge("memory.reserved"));
    }

    @Test
    void replyThatRunsOutOfMemoryIsAnsweredSystemErrAndTheConnectionGoesOn() throws Exception {
        start(config(2 * MIB, 64 * MIB), null);
        RpcClient c = client();
        try (RpcReply r = c.call(PROG, 1, BigReplyProgram.OOM, Credential.NONE, XdrWritable.VOID)
                .get(10, TimeUnit.SECONDS)) {
            assertFalse(r.isSuccess());
            assertEquals(AcceptStat.SYSTEM_ERR, r.acceptStat());
        }
        assertEquals(1, count("replies.encode_failures"));
        assertEquals(1, count("replies.system_err"));
        assertNullWorks(c);
        assertBigWorks(c, 100 * KIB);
        Await.until(() -> gauge("memory.reserved") == 0, () -> "reserved " + gauge("memory.reserved"));
    }

    /** A plain socket with a small receive buffer that reads only when told to. */
    static final class RawClient implements AutoCloseable {

        /** One reply: xid, whether accepted, its accept_stat, and the bytes of results that followed. */
        record Reply(int xid, boolean accepted, int acceptStat, int results) { }

        private final Socket socket = new Socket();
        private final DataInputStream in;

        RawClient(InetSocketAddress server) throws IOException {
            socket.setReceiveBufferSize(32 * 1024);
            socket.connect(server, 5000);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        }

        void send(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        Reply read() throws IOException {
            int mark = in.readInt();
            if (mark >= 0) throw new IOException("not a last fragment: " + Integer.toHexString(mark));
            byte[] body = new byte[mark & 0x7fffffff];
            in.readFully(body);
            ByteBuffer b = ByteBuffer.wrap(body);
            int xid = b.getInt();
            b.getInt(); // REPLY
            boolean accepted = b.getInt() == 0;
            if (!accepted) return new Reply(xid, false, -1, 0);
            b.getInt(); // verifier flavor
            int verifierLength = b.getInt();
            b.position(b.position() + verifierLength);
            int stat = b.getInt();
            return new Reply(xid, true, stat, b.remaining());
        }

        /** Null if the server has not closed the connection within {@code d}; else how it ended. */
        String closedWithin(Duration d) throws IOException {
            socket.setSoTimeout((int) d.toMillis());
            try {
                int b = in.read();
                return b < 0 ? "end of stream" : null;
            } catch (java.net.SocketTimeoutException e) {
                return null;
            } catch (SocketException | EOFException e) {
                return e.toString();
            } finally {
                if (!socket.isClosed()) socket.setSoTimeout(10_000);
            }
        }

        /** Closes with a reset, as a client that vanishes. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
