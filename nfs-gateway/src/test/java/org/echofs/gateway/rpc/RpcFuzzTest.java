package org.echofs.gateway.rpc;

import org.echofs.gateway.xdr.XdrWritable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.echofs.gateway.rpc.TestProgram.PROG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded hostile traffic on many connections at once: random bytes, truncated calls, valid
 * headers with garbage, random fragmentation, huge lengths. A well-behaved client runs alongside
 * and must get correct answers throughout; afterwards the server holds no buffers and answers a
 * fresh NULL call. Replay with {@code -Drpc.fuzz.seed=N}; {@code -Drpc.fuzz.millis=N} runs longer.
 */
class RpcFuzzTest {

    private static final int WORKERS = 4;

    @Test
    void hostileTrafficLeavesTheServerHealthy() throws Exception {
        long seed = Long.getLong("rpc.fuzz.seed", System.nanoTime());
        long millis = Long.getLong("rpc.fuzz.millis", 3000);
        System.out.println("RpcFuzzTest seed " + seed + " (-Drpc.fuzz.seed=" + seed + " to replay)");
        try {
            run(seed, millis);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("fuzz failure with seed " + seed + ": " + e, e);
        }
    }

    private void run(long seed, long millis) throws Exception {
        RpcServerConfig config = ServerFixture.testConfig()
                .withMaxRecordSize(64 * 1024)
                .withMemoryBudget(1024 * 1024)
                .withRecordTimeout(Duration.ofMillis(400))
                .withIdleTimeout(Duration.ofSeconds(2))
                .withMaxConnections(64);
        try (ServerFixture fx = new ServerFixture(config)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong goodCalls = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 2);
            List<Future<?>> jobs = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                long workerSeed = seed * 31 + w;
                jobs.add(pool.submit(() -> {
                    hostile(fx, new Random(workerSeed), stop);
                    return null;
                }));
            }
            // Answers parked calls from another thread: reply, garbage or drop.
            Random replierRandom = new Random(seed ^ 0x5DEECE66DL);
            jobs.add(pool.submit(() -> {
                while (!stop.get()) {
                    RpcCall c = fx.program.held.poll(10, TimeUnit.MILLISECONDS);
                    if (c != null) answerRandomly(c, replierRandom);
                }
                return null;
            }));
            // A well-behaved client alongside.
            RpcClient good = fx.client();
            jobs.add(pool.submit(() -> {
                Random r = new Random(seed + 7);
                while (!stop.get()) {
                    byte[] data = new byte[r.nextInt(3000)];
                    r.nextBytes(data);
                    try (RpcReply reply = good.call(PROG, 1 + r.nextInt(3), TestProgram.ECHO, Credential.NONE,
                            enc -> enc.writeOpaque(data)).get(10, TimeUnit.SECONDS)) {
                        assertArrayEquals(data, reply.results().readOpaque(4000));
                    }
                    goodCalls.incrementAndGet();
                }
                return null;
            }));
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end && jobs.stream().noneMatch(Future::isDone)) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            stop.set(true);
            for (Future<?> j : jobs) j.get(30, TimeUnit.SECONDS);
            pool.shutdownNow();
            RpcCall c;
            while ((c = fx.program.held.poll()) != null) c.reply(XdrWritable.VOID);

            assertTrue(goodCalls.get() > 0, "the good client made no call");
            assertTrue(good.isOpen(), "the good client was disconnected");
            RpcClient fresh = fx.client();
            try (RpcReply r = fresh.call(PROG, 1, TestProgram.NULL, Credential.NONE, null).get(10, TimeUnit.SECONDS)) {
                assertTrue(r.isSuccess());
            }
            Await.until(() -> fx.server.openConnections() == 2, () -> "hostile connections to close, open "
                    + fx.server.openConnections());
            Await.until(() -> fx.server.bufferedBytes() == 0, () -> "buffers to drain: " + fx.server.bufferedBytes());
            fx.dropHeld();
            System.out.printf("fuzz: %d good calls, %d calls received, %d records ignored, %d too large, "
                            + "%d record timeouts, %d budget closes, %d auth errors, %d garbage args%n",
                    goodCalls.get(), fx.count("calls.received"), fx.count("records.ignored"),
                    fx.count("records.too_large"), fx.count("connections.record_timeouts"),
                    fx.count("connections.budget_closed"), fx.count("replies.auth_error"),
                    fx.count("replies.garbage_args"));
            assertEquals(fx.count("connections.accepted"), fx.count("connections.closed") + 2);
        }
    }

    private static void answerRandomly(RpcCall c, Random r) {
        switch (r.nextInt(4)) {
            case 0 -> c.replyGarbageArgs();
            case 1 -> c.drop();
            default -> c.reply(enc -> enc.writeInt(c.xid()));
        }
    }

    /** One worker: opens connections and sends one kind of damage on each. */
    private static void hostile(ServerFixture fx, Random r, AtomicBoolean stop) throws IOException {
        Deque<Socket> open = new ArrayDeque<>();
        Deque<Socket> stalled = new ArrayDeque<>(); // left open with whatever they sent, up to a second
        Deque<Long> stalledAt = new ArrayDeque<>();
        try {
            while (!stop.get()) {
                Socket s = new Socket();
                s.connect(fx.address, 2000);
                s.setSoTimeout(5);
                open.add(s);
                try {
                    OutputStream out = s.getOutputStream();
                    int kind = r.nextInt(6);
                    switch (kind) {
                        case 0 -> out.write(randomBytes(r, r.nextInt(2000)));
                        case 1 -> {
                            byte[] rec = RawCall.record(randomCall(r));
                            out.write(Arrays.copyOf(rec, r.nextInt(rec.length + 1)));
                        }
                        case 2 -> {
                            for (int i = r.nextInt(20); i >= 0; i--) out.write(RawCall.record(randomCall(r)));
                        }
                        case 3 -> {
                            byte[] msg = randomCall(r);
                            if (r.nextBoolean() && msg.length > 0) msg[r.nextInt(msg.length)] ^= (byte) (1 << r.nextInt(8));
                            out.write(randomFragments(r, msg));
                        }
                        case 4 -> out.write(ByteBuffer.allocate(8).putInt(r.nextInt()).putInt(r.nextInt()).array());
                        default -> {
                            // Byte-by-byte writes of a valid record: many tiny TCP segments.
                            for (byte b : RawCall.record(randomCall(r))) out.write(b);
                        }
                    }
                    out.flush();
                    drain(s.getInputStream());
                } catch (IOException closedByServer) {
                    // Expected for much of this traffic.
                }
                if (r.nextInt(8) == 0 && stalled.size() < 12) {
                    stalled.add(open.pollLast());
                    stalledAt.add(System.nanoTime());
                }
                while (!stalled.isEmpty() && System.nanoTime() - stalledAt.peek() > 1_000_000_000L) {
                    stalled.poll().close();
                    stalledAt.poll();
                }
                while (open.size() > 3 || (!open.isEmpty() && r.nextInt(3) == 0)) {
                    Socket old = open.poll();
                    if (r.nextBoolean()) {
                        try {
                            old.setSoLinger(true, 0); // a reset instead of a FIN
                        } catch (IOException ignored) {
                            // already closed
                        }
                    }
                    old.close();
                }
            }
        } finally {
            for (Socket s : open) s.close();
            for (Socket s : stalled) s.close();
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) > 0) {
                // discard replies
            }
        } catch (SocketTimeoutException nothingMore) {
            // fine
        }
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A call with a valid header (mostly) and random arguments. */
    private static byte[] randomCall(Random r) {
        int xid = r.nextInt();
        int rpcvers = r.nextInt(10) == 0 ? r.nextInt(4) : 2;
        int prog = r.nextInt(8) == 0 ? r.nextInt() : PROG;
        int vers = r.nextInt(5);
        int proc = r.nextInt(16);
        byte[] cred = switch (r.nextInt(5)) {
            case 0 -> RawCall.authNone();
            case 1 -> RawCall.authSys(r.nextInt(), "m".repeat(r.nextInt(300)), r.nextInt(), r.nextInt(),
                    r.ints(r.nextInt(20)).toArray());
            case 2 -> RawCall.auth(r.nextInt(8), randomBytes(r, r.nextInt(500)));
            case 3 -> RawCall.xdr().i(1).i(r.nextInt()).get();
            default -> RawCall.authSys(1, "host", 0, 0);
        };
        byte[] verf = r.nextInt(6) == 0 ? RawCall.auth(r.nextInt(3), randomBytes(r, r.nextInt(500))) : RawCall.authNone();
        byte[] args = randomBytes(r, r.nextInt(r.nextBoolean() ? 16 : 5000));
        if (r.nextBoolean() && args.length >= 4) {
            ByteBuffer.wrap(args).putInt(r.nextInt(args.length)); // a plausible opaque length
        }
        return RawCall.call(xid, rpcvers, prog, vers, proc, cred, verf, args);
    }

    private static byte[] randomFragments(Random r, byte[] msg) {
        List<Integer> sizes = new ArrayList<>();
        int left = msg.length;
        while (left > 0) {
            int n = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(left);
            sizes.add(n);
            left -= n;
        }
        sizes.add(0);
        return RawCall.fragments(msg, sizes.stream().mapToInt(Integer::intValue).toArray());
    }
}
