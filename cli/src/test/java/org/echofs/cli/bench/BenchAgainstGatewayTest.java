package org.echofs.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.ReaddirResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code echofs bench} against a real gateway in the test JVM: the ops and calls it reports are
 * the ones the server counted, it cleans up after itself, and comparisons alternate.
 */
class BenchAgainstGatewayTest {

    @TempDir
    static Path tmp;
    static InProcessGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = InProcessGateway.start(tmp);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static final String[] SMALL = {"--connections", "2", "--depth", "4", "--files", "40", "--remove-files",
        "50", "--dir-entries", "300", "--readdir-count", "4KiB", "--seq-size", "3MiB", "--seq-block", "256KiB",
        "--rand-size", "1MiB", "--commit-every", "5", "--progress", "0"};

    private static String[] args(String... more) {
        String[] all = new String[1 + SMALL.length + more.length];
        all[0] = "bench";
        System.arraycopy(SMALL, 0, all, 1, SMALL.length);
        System.arraycopy(more, 0, all, 1 + SMALL.length, more.length);
        return all;
    }

    private static Map<String, Long> calls(JsonNode node) {
        Map<String, Long> m = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asLong());
        }
        return m;
    }

    private static JsonNode run(JsonNode report, String workload) {
        for (JsonNode r : report.get("runs")) if (r.get("workload").asText().equals(workload)) return r;
        throw new AssertionError("no run of " + workload);
    }

    @Test
    void reportedOpsAndCallsMatchWhatTheServerCounted() throws Exception {
        List<String> dirsBefore = benchDirectories();
        Map<String, Long> before = gateway.nfsCounts();
        // the gateway runs in this JVM: watching this process stands in for watching a server's
        BenchCli cli = BenchCli.run(tmp, args("--ops", "64", "--warmup", "200ms", "--json", "-w", "standard",
                "--watch-pid", "gw=" + ProcessHandle.current().pid(), "gw=" + gateway.url()));
        Map<String, Long> after = gateway.nfsCounts();
        assertEquals(0, cli.exit(), cli.toString());
        JsonNode report = new ObjectMapper().readTree(cli.out());

        for (JsonNode r : report.get("runs")) {
            assertEquals(0, r.get("errors").asLong(), r.toString());
            assertFalse(r.has("failure"), r.toString());
            assertTrue(r.get("serverCpuSeconds").asDouble() >= 0, r.toString());
        }
        assertTrue(report.get("resources").get("gw").get("peakRssBytes").asLong() > 0);
        // duration-bound workloads measure exactly --ops ops; the warm-up before them is not counted
        for (String w : List.of("getattr", "lookup", "stat", "create", "rename", "readdir", "rand-read", "rand-write")) {
            assertEquals(64, run(report, w).get("ops").asLong(), w);
            assertEquals(64, run(report, w).get("latencyMillis").get("count").asLong(), w);
        }
        assertEquals(Map.of("GETATTR", 64L), calls(run(report, "getattr").get("calls")));
        assertEquals(Map.of("LOOKUP", 64L), calls(run(report, "lookup").get("calls")));
        assertEquals(Map.of("LOOKUP", 64L, "GETATTR", 64L), calls(run(report, "stat").get("calls")));
        assertEquals(Map.of("CREATE", 64L, "WRITE", 64L, "COMMIT", 64L), calls(run(report, "create").get("calls")));
        assertEquals(64 * 4096, run(report, "create").get("bytes").asLong());
        assertEquals(Map.of("RENAME", 64L), calls(run(report, "rename").get("calls")));
        assertEquals(Map.of("READ", 64L), calls(run(report, "rand-read").get("calls")));
        assertEquals(64 * 4096, run(report, "rand-read").get("bytes").asLong());
        // remove is finite: 50 files spread over 8 slots = 7 each, 56 in all, fewer than --ops
        assertEquals(56, run(report, "remove").get("ops").asLong());
        assertEquals(Map.of("REMOVE", 56L), calls(run(report, "remove").get("calls")));
        // readdir: each op lists every entry, over several READDIR calls of 4 KiB
        JsonNode readdir = run(report, "readdir");
        assertEquals(64 * 300, readdir.get("items").asLong());
        assertTrue(calls(readdir.get("calls")).get("READDIR") > 64, readdir.toString());
        // rand-write: the COMMITs inside ops and the final one are all counted as COMMIT calls
        JsonNode rw = run(report, "rand-write");
        assertEquals(64, calls(rw.get("calls")).get("WRITE"));
        assertEquals(rw.get("commitLatencyMillis").get("count").asLong(), calls(rw.get("calls")).get("COMMIT"));
        assertTrue(calls(rw.get("calls")).get("COMMIT") >= 2, rw.toString());
        // the sequential workloads cover the file once: 3 MiB in 256 KiB calls
        assertEquals(12, run(report, "seq-write").get("ops").asLong());
        assertEquals(3 << 20, run(report, "seq-write").get("bytes").asLong());
        assertEquals(Map.of("WRITE", 12L, "COMMIT", 1L), calls(run(report, "seq-write").get("calls")));
        assertEquals(12, run(report, "seq-read").get("ops").asLong());
        assertEquals(3 << 20, run(report, "seq-read").get("bytes").asLong());
        assertEquals(Map.of("READ", 12L), calls(run(report, "seq-read").get("calls")));

        // every NFS call the benchmark says it sent (set-up, warm-up, runs, clean-up) reached the server, and no other
        Map<String, Long> sent = calls(report.get("callsTotal").get("gw"));
        for (String proc : CallCounts.NAMES) {
            long seen = after.getOrDefault(proc, 0L) - before.getOrDefault(proc, 0L);
            assertEquals(sent.getOrDefault(proc, 0L).longValue(), seen, proc + ": sent " + sent + ", server saw " + seen);
        }
        assertTrue(sent.get("GETATTR") > 64, "the warm-up sent GETATTRs too: " + sent);

        // the working directory is gone
        assertEquals(dirsBefore, benchDirectories());
    }

    @Test
    void roundsAlternateBetweenTargetsAndTheTableHasTheirRatio() throws Exception {
        BenchCli cli = BenchCli.run(tmp, args("--ops", "30", "--warmup", "0", "--rounds", "2", "--warmup-round", "100ms",
                "-w", "getattr,remove", "a=" + gateway.url(), "b=" + gateway.url()));
        assertEquals(0, cli.exit(), cli.toString());
        String[] order = cli.err().lines().filter(l -> l.matches("^(getattr|remove) .*round.*"))
                .map(l -> String.join(" ", List.of(l.split("\\s+")).subList(0, 4)).replace(":", ""))
                .toArray(String[]::new);
        assertEquals(List.of("getattr a warm-up round", "getattr b warm-up round", "remove a warm-up round",
                "remove b warm-up round",
                "getattr a round 1/2", "getattr b round 1/2", "remove a round 1/2", "remove b round 1/2",
                "getattr a round 2/2", "getattr b round 2/2", "remove a round 2/2", "remove b round 2/2"),
                List.of(order), cli.err());
        assertTrue(cli.out().contains("a/b"), cli.out());
        assertTrue(cli.out().matches("(?s).*\\ngetattr +ops/s +[0-9,.]+ +[0-9,.]+ +[0-9.]+.*"), cli.out());
        assertTrue(cli.out().contains("Median of 2 rounds"), cli.out());
        assertTrue(cli.out().contains("round 0 is the warm-up round, not counted"), cli.out());
    }

    @Test
    void settlePausesBeforeEveryRun() throws Exception {
        long t0 = System.nanoTime();
        BenchCli cli = BenchCli.run(tmp, args("--ops", "30", "--warmup", "0", "--settle", "400ms",
                "-w", "getattr,lookup", "a=" + gateway.url()));
        long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, cli.exit(), cli.toString());
        assertTrue(elapsedMillis >= 800, "two runs, each after a 400 ms pause, took only " + elapsedMillis + " ms");
    }

    @Test
    void aBadSettleIsAUsageError() {
        BenchCli cli = BenchCli.run(tmp, args("--settle", "soon", "a=" + gateway.url()));
        assertEquals(2, cli.exit(), cli.toString());
        assertTrue(cli.err().contains("'soon' is not a duration"), cli.err());
    }

    @Test
    void keepLeavesTheWorkingDirectory() throws Exception {
        List<String> before = benchDirectories();
        BenchCli cli = BenchCli.run(tmp, args("--ops", "10", "--warmup", "0", "--keep", "-w", "getattr",
                gateway.url()));
        assertEquals(0, cli.exit(), cli.toString());
        assertTrue(cli.err().contains("kept nfs://127.0.0.1/export/echofs-bench-"), cli.err());
        List<String> dirs = benchDirectories();
        assertEquals(before.size() + 1, dirs.size(), dirs.toString());
        // a later run removes only its own directory
        BenchCli again = BenchCli.run(tmp, args("--ops", "10", "--warmup", "0", "-w", "getattr", gateway.url()));
        assertEquals(0, again.exit(), again.toString());
        assertEquals(dirs, benchDirectories());
    }

    @Test
    void aPathThatDoesNotExistFailsWithTheCallAndStatus() {
        BenchCli cli = BenchCli.run(tmp, args("--ops", "10", gateway.url().replace("/export?", "/export/nothing?")));
        assertEquals(1, cli.exit(), cli.toString());
        assertTrue(cli.err().contains("LOOKUP nothing below export /export failed: NFS3ERR_NOENT"), cli.toString());
    }

    private static List<String> benchDirectories() throws Exception {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1",
                Integer.parseInt(gateway.url().replaceAll(".*nfsport=(\\d+).*", "$1")));
        try (Nfs3Client c = Nfs3Client.connect(address, Nfs3Client.unix(0, 0))) {
            byte[] root = Nfs3Client.await(c.mnt("/export")).handle();
            ReaddirResult r = Nfs3Client.await(c.readdir(root, 0, 0, 64 * 1024));
            assertTrue(r.eof());
            return r.entries().stream().map(e -> e.name()).filter(n -> n.startsWith("echofs-bench-")).sorted().toList();
        }
    }
}
