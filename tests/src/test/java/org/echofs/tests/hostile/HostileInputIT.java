package org.echofs.tests.hostile;

import org.echofs.gateway.rpc.RpcClient;
import org.echofs.tests.hostile.Wire.Reply;
import org.echofs.tests.hostile.Wire.Status;
import org.echofs.tests.process.GatewayProcess;
import org.echofs.tests.process.GatewayWatcher;
import org.echofs.tests.process.Prometheus;
import org.echofs.tests.process.RawNfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded, time-bounded hostile-input run against a real gateway process with a 256 MiB heap
 * ({@code -XX:+ExitOnOutOfMemoryError}, so running out of heap kills it visibly).
 *
 * <p>For {@value #DEFAULT_SECONDS} s (system property {@value #SECONDS_PROPERTY}) many concurrent
 * clients send random bytes, truncated records, 2 GiB and over-limit record marks, valid calls in
 * random fragments, bad credentials and verifiers (unknown flavors, 17+ gids, 256..300-byte machine
 * names, bodies over 400 bytes), unknown programs, versions, procedures and RPC versions, noise and
 * cut-short arguments, forged file handles of every length 0..100 and real ones with a bit flipped,
 * records to be ignored, deep pipelines, and slow readers that ask for many 1 MiB READs and do not
 * read for a while; hundreds of connections sit idle ({@value #PLAIN_IDLE} plain, {@value #HALF_MARKS}
 * holding half a record mark, {@value #HOARDERS} holding a 1 MiB record but its last byte, see
 * {@link IdleHolders}), and a few clients trickle calls one byte at a time. Meanwhile a well-behaved client runs
 * NULL/GETATTR/WRITE/READ and another reconnects for NULL/MNT/GETATTR; every call they make must be
 * answered correctly. Each attack whose answer is determined is checked (see {@link Attacks}).
 *
 * <p>Afterwards: the process is alive and never died, and its log shows no OutOfMemoryError (the
 * direct-buffer kind does not trip -XX:+ExitOnOutOfMemoryError), no uncaught exception, no ERROR;
 * every idle connection still works, and every hoarder the server closed is accounted for by its
 * memory budget (it closes the connection holding the most partial-record bytes); NULL, MNT and GETATTR of the export root succeed; the heap sampled from the
 * Prometheus endpoint every 200 ms stayed below -Xmx; the server's own counters moved for every kind
 * of refusal and never counted SYSTEM_ERR or SERVERFAULT; connections and buffered bytes return to
 * zero once the clients are gone. The seed ({@value #SEED_PROPERTY}) is printed first; pass it back to replay each client's
 * sequence of actions.
 */
class HostileInputIT {

    static final String SEED_PROPERTY = "echofs.hostile.seed";
    static final String SECONDS_PROPERTY = "echofs.hostile.seconds";
    /** Comma-separated {@link Attacks.Kind}s to leave out, to narrow a failure down (default none). */
    static final String EXCLUDE_PROPERTY = "echofs.hostile.exclude";
    static final int DEFAULT_SECONDS = 20;
    /** Idle connections that send nothing until the end. */
    static final int PLAIN_IDLE = 100;
    static final int WORKERS = 12;
    static final int TRICKLERS = 3;
    /**
     * Idle connections that hold a partial 1 MiB record (default 264, more than the server's memory
     * budget lets partial records take, so the budget must act; system property
     * {@value #HOARDERS_PROPERTY}), and ones that hold half a record mark.
     */
    static final int HOARDERS = 264, HALF_MARKS = 36;
    static final String HOARDERS_PROPERTY = "echofs.hostile.hoarders";
    static final int HOARD_RECORD = 1 << 20;
    static final String HEAP = "256m";
    static final double HEAP_BYTES = 256.0 * 1024 * 1024;
    static final int BULK = 1 << 20;

    @RegisterExtension
    static final GatewayWatcher WATCH = new GatewayWatcher(80);

    private static GatewayProcess gateway;

    @BeforeAll
    static void start() throws IOException {
        gateway = WATCH.track(GatewayProcess.start(new GatewayProcess.Options().name("hostile").heap(HEAP)));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    /** Heap, memory and liveness, sampled from the side while the run goes on. */
    private static final class Monitor implements Runnable {
        final long pid;
        final GatewayProcess g;
        volatile boolean stop;
        double peakHeap, heapMax, peakDirect, peakBuffered, peakOpen, peakReserved, budget;
        long peakRssKiB;
        final AtomicLong samples = new AtomicLong();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

        Monitor(GatewayProcess g) {
            this.g = g;
            this.pid = g.pid();
        }

        @Override
        public void run() {
            while (!stop) {
                sample();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized void sample() {
            if (!g.isAlive()) {
                if (problems.size() < 5) problems.add("gateway process is dead (exit " + g.process().exitValue() + ")");
                return;
            }
            try {
                Prometheus.Sample s = g.metrics();
                peakHeap = Math.max(peakHeap, s.value("jvm_memory_heap_used"));
                heapMax = s.value("jvm_memory_heap_max");
                peakDirect = Math.max(peakDirect, s.value("jvm_buffers_direct_used", 0));
                peakBuffered = Math.max(peakBuffered, s.value("rpc_buffered_bytes", 0));
                peakOpen = Math.max(peakOpen, s.value("rpc_connections_open", 0));
                peakReserved = Math.max(peakReserved, s.value("rpc_memory_reserved", 0));
                budget = s.value("rpc_memory_budget", 0);
                samples.incrementAndGet();
            } catch (IOException | RuntimeException e) {
                if (problems.size() < 5) problems.add("metrics scrape failed: " + e);
            }
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        peakRssKiB = Math.max(peakRssKiB, Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process may be gone; liveness is checked above
            }
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void survivesHostileClients() throws Exception {
        long seed = Long.getLong(SEED_PROPERTY, new SecureRandom().nextLong());
        int seconds = Integer.getInteger(SECONDS_PROPERTY, DEFAULT_SECONDS);
        int hoarderCount = Integer.getInteger(HOARDERS_PROPERTY, HOARDERS);
        Set<Attacks.Kind> kinds = EnumSet.allOf(Attacks.Kind.class);
        for (String k : System.getProperty(EXCLUDE_PROPERTY, "").split(",")) {
            if (!k.isBlank()) kinds.remove(Attacks.Kind.valueOf(k.trim()));
        }
        String replay = "seed " + seed + " (replay: -D" + SEED_PROPERTY + "=" + seed + ")"
                + (kinds.size() < Attacks.Kind.values().length ? ", attacks limited to " + kinds : "");
        System.out.println("HostileInputIT: " + replay + ", " + seconds + " s, " + hoarderCount + " hoarders, "
                + gateway);
        Random rnd = new Random(seed);

        // Setup with a well-behaved client: root handle, a file for the good client, a 1 MiB file.
        byte[] root;
        byte[] goodFile;
        byte[] bulk;
        try (RpcClient c = gateway.connect(Duration.ofSeconds(10))) {
            root = RawNfs.mount(c, GatewayProcess.EXPORT);
            goodFile = GoodClient.create(c, root, "good-file");
            bulk = GoodClient.create(c, root, "bulk");
            byte[] data = new byte[BULK];
            rnd.nextBytes(data);
            GoodClient.write(c, bulk, 0, data);
        }
        Attacks.Target target = new Attacks.Target(gateway.nfsAddress(), root, bulk, BULK);
        Prometheus.Sample before = gateway.metrics();
        Tally tally = new Tally();

        Monitor monitor = new Monitor(gateway);
        Thread monitorThread = new Thread(monitor, "hostile-monitor");
        monitorThread.setDaemon(true);
        monitorThread.start();
        List<Thread> threads = new ArrayList<>();
        AtomicLong reconnects = new AtomicLong();
        ConcurrentLinkedQueue<String> reconnectFailures = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime();
        try (RpcClient goodConnection = gateway.connect(Duration.ofSeconds(10));
             IdleHolders idle = new IdleHolders(gateway.nfsAddress(), PLAIN_IDLE, HALF_MARKS, hoarderCount,
                     HOARD_RECORD)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            GoodClient good = new GoodClient(goodConnection, root, goodFile);
            threads.add(new Thread(() -> good.runUntil(deadline), "good-client"));
            threads.add(new Thread(() -> {
                while (System.nanoTime() - deadline < 0) {
                    reconnects.incrementAndGet();
                    try (RpcClient c = gateway.connect(Duration.ofSeconds(10))) {
                        RawNfs.nullCall(c);
                        byte[] h = RawNfs.mount(c, GatewayProcess.EXPORT);
                        int st = RawNfs.getattr(c, h, null);
                        if (st != RawNfs.NFS3_OK) throw new IOException("GETATTR status " + st);
                    } catch (IOException | RuntimeException e) {
                        reconnectFailures.add(e.toString());
                    }
                    pause(250);
                }
            }, "reconnecting-client"));
            threads.add(new Thread(() -> idle.holdUntil(deadline), "idle-holders"));
            for (int i = 0; i < WORKERS; i++) {
                long workerSeed = seed * 1_000_003L + i;
                threads.add(new Thread(() -> new Attacks(target, tally, workerSeed, kinds).runUntil(deadline),
                        "hostile-" + i));
            }
            for (int i = 0; i < TRICKLERS; i++) {
                long trickleSeed = seed * 7_000_003L + i;
                threads.add(new Thread(() -> trickle(target, tally, trickleSeed, deadline), "trickle-" + i));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(seconds + 120));
                if (t.isAlive()) fail(t.getName() + " did not finish; " + replay);
            }
            double runSeconds = (System.nanoTime() - t0) / 1e9;
            List<String> idleProblems = idle.checkPlain();
            monitor.stop = true;
            monitorThread.join(10_000);
            monitor.sample();

            boolean alive = gateway.isAlive();
            Prometheus.Sample after = gateway.metrics();
            System.out.println(summary(replay, runSeconds, tally, good, reconnects.get(), reconnectFailures.size(),
                    idle, idleProblems.size(), monitor, before, after));

            assertTrue(alive, "gateway died; " + replay);
            List<String> logErrors = Files.readAllLines(gateway.logFile()).stream()
                    .filter(l -> !l.startsWith("---- test fixture"))
                    .filter(l -> l.contains("OutOfMemoryError") || l.startsWith("Exception in thread")
                            || l.contains(" ERROR "))
                    .toList();
            assertTrue(logErrors.isEmpty(), logErrors.size() + " errors in the gateway's log (" + gateway.logFile()
                    + "), e.g.\n  " + String.join("\n  ", logErrors.stream().limit(8).toList()) + "\n" + replay);
            assertTrue(monitor.problems.isEmpty(), "during the run: " + monitor.problems + "; " + replay);
            assertTrue(tally.violations() == 0, tally.violations() + " answers broke expectations, e.g.\n  "
                    + String.join("\n  ", tally.violationSamples()) + "\n" + replay);
            assertTrue(good.failures.isEmpty(), "the well-behaved client: " + good.failures.size() + " of "
                    + good.calls.get() + " calls failed, e.g. " + good.failures.stream().limit(5).toList() + "; " + replay);
            assertTrue(good.calls.get() >= 40, "the well-behaved client made only " + good.calls.get() + " calls; "
                    + replay);
            assertTrue(reconnectFailures.isEmpty(), "the reconnecting client: " + reconnectFailures.size()
                    + " of " + reconnects.get() + " rounds failed, e.g. "
                    + reconnectFailures.stream().limit(5).toList() + "; " + replay);
            assertTrue(tally.get("TRICKLE", "SUCCESS/stat=0") >= TRICKLERS, "too few trickled calls completed; "
                    + replay);
            assertTrue(idleProblems.isEmpty(), idleProblems.size() + " idle connections failed, e.g. "
                    + idleProblems.stream().limit(5).toList() + "; " + replay);
            assertTrue(idle.markFailures.isEmpty(), "connections holding half a record mark failed: "
                    + idle.markFailures.stream().limit(5).toList() + "; " + replay);
            double capCloses = delta(before, after, "rpc_connections_budget_closed");
            assertTrue(idle.hoardFailures.size() <= capCloses, idle.hoardFailures.size() + " of " + hoarderCount
                    + " connections holding 1 MiB of a record failed, but the server closed only " + capCloses
                    + " connections for holding the most partial-record bytes of its memory budget; e.g. "
                    + idle.hoardFailures.stream().limit(5).toList() + "; " + replay);

            assertEquals(HEAP_BYTES, monitor.heapMax, "heap limit seen by the endpoint");
            assertTrue(monitor.samples.get() >= seconds * 2L, "only " + monitor.samples.get() + " heap samples");
            assertTrue(monitor.peakHeap < HEAP_BYTES, "heap peak " + monitor.peakHeap + " reached -Xmx; " + replay);

            // The hostile traffic reached the server, and nothing made it fail internally.
            for (String counter : List.of("rpc_replies_garbage_args", "rpc_replies_auth_error",
                    "rpc_replies_prog_unavail", "rpc_replies_prog_mismatch", "rpc_replies_proc_unavail",
                    "rpc_replies_rpc_mismatch", "rpc_records_too_large", "rpc_records_ignored",
                    "nfs_status_NFS3ERR_BADHANDLE")) {
                assertTrue(delta(before, after, counter) > 0, counter + " did not move; " + replay);
            }
            assertTrue(delta(before, after, "rpc_replies_auth_error") >= tally.outcomesStartingWith("AUTH_"),
                    "server counted fewer AUTH_ERRORs than the clients received");
            assertTrue(delta(before, after, "nfs_status_NFS3ERR_BADHANDLE")
                    >= tally.outcome("SUCCESS/stat=" + Attacks.BADHANDLE), "server counted fewer BADHANDLEs");
            assertEquals(0, delta(before, after, "rpc_replies_system_err"), "SYSTEM_ERR replies; " + replay);
            assertEquals(0, delta(before, after, "nfs_status_NFS3ERR_SERVERFAULT"), "SERVERFAULT replies; " + replay);
        } finally {
            monitor.stop = true;
            for (Thread t : threads) t.interrupt();
        }

        // Afterwards: every connection is gone on the server too, no partial record is accounted,
        // and a new client gets answers.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Prometheus.Sample s = gateway.metrics();
        while ((s.value("rpc_connections_open") > 0 || s.value("rpc_buffered_bytes") > 0)
                && System.nanoTime() - until < 0) {
            pause(100);
            s = gateway.metrics();
        }
        assertEquals(0.0, s.value("rpc_connections_open"), "connections still open on the server; " + replay);
        assertEquals(0.0, s.value("rpc_buffered_bytes"), "partial-record bytes still accounted; " + replay);
        try (RpcClient c = gateway.connect(Duration.ofSeconds(10))) {
            RawNfs.nullCall(c);
            byte[] h = RawNfs.mount(c, GatewayProcess.EXPORT);
            assertArrayEquals(root, h);
            int[] type = new int[1];
            assertEquals(RawNfs.NFS3_OK, RawNfs.getattr(c, h, type), "GETATTR of the export root; " + replay);
            assertEquals(RawNfs.NF3DIR, type[0]);
        }
        assertTrue(gateway.isAlive(), "gateway died; " + replay);
    }

    /** Valid calls (NULL or GETATTR of the root) sent one byte at a time, 5..40 ms apart. */
    private static void trickle(Attacks.Target target, Tally tally, long seed, long deadline) {
        Random rnd = new Random(seed);
        int xid = rnd.nextInt();
        try (RawConnection c = RawConnection.open(target.address(), Attacks.READ_TIMEOUT_MILLIS)) {
            while (System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
                int id = ++xid;
                boolean getattr = rnd.nextBoolean();
                byte[] framed = Wire.frame(getattr
                        ? Wire.call(id, Attacks.NFS, 3, Attacks.GETATTR, Attacks.getattrArgs(target.rootHandle()))
                        : Wire.call(id, Attacks.NFS, 3, 0, new byte[0]));
                for (byte b : framed) {
                    c.send(new byte[]{b});
                    pause(5 + rnd.nextInt(36));
                }
                Reply r;
                try {
                    r = c.readReply();
                } catch (SocketTimeoutException e) {
                    tally.violation("TRICKLE", "no-reply", "no reply to a trickled call");
                    return;
                }
                if (r == null) {
                    tally.violation("TRICKLE", "closed-by-server", "closed during a trickled call");
                    return;
                }
                if (r.xid() == id && r.status() == Status.SUCCESS
                        && (r.firstWord() == 0 || r.firstWord() == Attacks.JUKEBOX)) {
                    tally.count("TRICKLE", Attacks.label(r));
                } else {
                    tally.violation("TRICKLE", Attacks.label(r), "trickled " + (getattr ? "GETATTR" : "NULL")
                            + " answered " + r);
                }
            }
        } catch (IOException e) {
            tally.violation("TRICKLE", "io-error", e.toString());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double delta(Prometheus.Sample before, Prometheus.Sample after, String name) {
        return after.value(name, 0) - before.value(name, 0);
    }

    private static String summary(String replay, double runSeconds, Tally tally, GoodClient good, long reconnects,
                                  int reconnectFailures, IdleHolders idle, int plainProblems, Monitor m,
                                  Prometheus.Sample before, Prometheus.Sample after) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("HostileInputIT summary: %s, ran %.1f s%n", replay, runSeconds));
        sb.append(String.format("hostile actions: %d (%d broke expectations); by kind and outcome:%n",
                tally.total(), tally.violations()));
        sb.append(tally.table());
        sb.append(String.format("well-behaved client: %d calls, %d answered correctly (%.2f%%), latency p50 %.1f ms,"
                        + " p99 %.1f ms, max %.1f ms%n", good.calls.get(), good.answeredCorrectly.get(),
                100.0 * good.answeredCorrectly.get() / Math.max(1, good.calls.get()), good.latencyMillis(50),
                good.latencyMillis(99), good.latencyMillis(100)));
        sb.append(String.format("reconnecting client: %d rounds, %d failed%n", reconnects, reconnectFailures));
        sb.append(String.format("idle connections: %d (%d plain: %d failed at the end; %d holding half a record mark:"
                        + " %d failed; %d holding 1 MiB of a record: %d failed); %d partial records completed and"
                        + " answered%n", idle.total(), idle.plain.size(), plainProblems, idle.halfMarks.size(),
                idle.markFailures.size(), idle.hoarders.size(), idle.hoardFailures.size(), idle.completed.get()));
        sb.append(String.format("gateway: heap peak %.1f MiB of %.0f MiB max, direct buffers peak %.1f MiB, RSS peak"
                        + " %.1f MiB, buffered partial records peak %.1f MiB, memory reserved peak %.1f MiB of a %.0f MiB"
                        + " budget, connections open peak %.0f (%d samples)%n",
                m.peakHeap / 1048576, m.heapMax / 1048576, m.peakDirect / 1048576, m.peakRssKiB / 1024.0,
                m.peakBuffered / 1048576, m.peakReserved / 1048576, m.budget / 1048576, m.peakOpen, m.samples.get()));
        sb.append("server counters (delta):");
        for (String c : List.of("rpc_calls_received", "rpc_replies_success", "rpc_replies_garbage_args",
                "rpc_replies_auth_error", "rpc_replies_prog_unavail", "rpc_replies_prog_mismatch",
                "rpc_replies_proc_unavail", "rpc_replies_rpc_mismatch", "rpc_replies_system_err", "rpc_records_ignored",
                "rpc_records_too_large", "rpc_connections_accepted", "rpc_connections_closed",
                "rpc_connections_rejected", "rpc_connections_record_timeouts", "rpc_connections_idle_timeouts",
                "rpc_connections_budget_closed", "rpc_connections_write_stalls", "rpc_reads_paused",
                "rpc_reads_paused_for_memory", "rpc_calls_delayed_for_memory", "rpc_replies_encode_failures",
                "rpc_calls_dropped",
                "nfs_status_NFS3ERR_BADHANDLE", "nfs_status_NFS3ERR_JUKEBOX", "nfs_status_NFS3ERR_SERVERFAULT",
                "nfs_garbage_args", "mount_garbage_args")) {
            sb.append(String.format("%n  %-36s %.0f", c, delta(before, after, c)));
        }
        return sb.toString();
    }
}
