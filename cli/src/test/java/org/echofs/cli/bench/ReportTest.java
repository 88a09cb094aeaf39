package org.echofs.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    /** A run of {@code ops} ops in one second, each taking {@code latencyMs}. */
    private static RunResult run(String target, WorkloadKind k, int round, long ops, long bytes, double latencyMs) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount((long) (latencyMs * 1e6), ops);
        return new RunResult(target, k, round, "op", ops, 0, 1_000_000_000L, bytes, 0, h, new Histogram(3),
                Map.of("GETATTR", ops), null, null, 1, 2, -1);
    }

    private static Report report(List<RunResult> runs) {
        Map<String, String> targets = new LinkedHashMap<>();
        targets.put("echofs", "nfs://a/e?nfsport=1&mountport=1&version=3");
        targets.put("ganesha", "nfs://a/e?nfsport=2&mountport=3&version=3");
        return new Report("echofs bench x", "t0", "t1", Map.of("cores", "2"), BenchSettings.builder().build(), targets,
                3, runs, Map.of("echofs", Map.of("GETATTR", 1L)), Map.of());
    }

    @Test
    void mediansOfTheRoundsAndRatiosToTheLastTarget() {
        List<RunResult> runs = new ArrayList<>();
        long[] echofs = {900, 1200, 1000};
        long[] ganesha = {500, 400, 2000};
        for (int r = 0; r < 3; r++) {
            runs.add(run("echofs", WorkloadKind.GETATTR, r + 1, echofs[r], 0, 1));
            runs.add(run("ganesha", WorkloadKind.GETATTR, r + 1, ganesha[r], 0, 2));
            runs.add(run("echofs", WorkloadKind.SEQ_WRITE, r + 1, 100, 100_000_000L, 10));
            runs.add(run("ganesha", WorkloadKind.SEQ_WRITE, r + 1, 100, 200_000_000L, 10));
        }
        runs.add(0, run("echofs", WorkloadKind.GETATTR, 0, 1, 0, 1)); // a warm-up round: reported, not counted
        runs.add(1, run("ganesha", WorkloadKind.GETATTR, 0, 1_000_000, 0, 1));
        Report report = report(runs);
        List<Report.Summary> s = report.summaries();
        assertEquals(3, s.get(0).okRuns().get("echofs"));
        assertEquals(WorkloadKind.GETATTR, s.get(0).workload());
        assertEquals(1000.0, s.get(0).medians().get("echofs"), 1e-9);
        assertEquals(500.0, s.get(0).medians().get("ganesha"), 1e-9);
        assertEquals(2.0, s.get(0).ratios().get("echofs"), 1e-9);
        assertFalse(s.get(0).ratios().containsKey("ganesha"), "the baseline has no ratio to itself");
        assertEquals(100.0, s.get(1).medians().get("echofs"), 1e-9, "seq-write is quoted in MB/s");
        assertEquals(0.5, s.get(1).ratios().get("echofs"), 1e-9);

        StringWriter text = new StringWriter();
        report.printText(new PrintWriter(text));
        String t = text.toString();
        assertTrue(t.contains("echofs/ganesha"), t);
        assertTrue(t.matches("(?s).*\\ngetattr +ops/s +1,000 +500 +2\\.00 .*"), t);
        assertTrue(t.matches("(?s).*\\nseq-write +MB/s +100 +200 +0\\.50 BELOW.*"), t);
    }

    @Test
    void failedRunsAreLeftOutOfTheMedianAndNamedInTheNote() {
        List<RunResult> runs = new ArrayList<>();
        runs.add(run("echofs", WorkloadKind.GETATTR, 1, 1000, 0, 1));
        runs.add(run("ganesha", WorkloadKind.GETATTR, 1, 500, 0, 1));
        runs.add(RunResult.failed("echofs", WorkloadKind.GETATTR, 2, "setup: CREATE f1 failed: NFS3ERR_NOSPC"));
        runs.add(run("ganesha", WorkloadKind.GETATTR, 2, 500, 0, 1));
        Report.Summary s = report(runs).summaries().get(0);
        assertEquals(1, s.okRuns().get("echofs"));
        assertEquals(1000.0, s.medians().get("echofs"), 1e-9);
        assertTrue(s.note().contains("echofs round 2: setup: CREATE f1 failed: NFS3ERR_NOSPC"), s.note());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, Report.median(new double[] {4, 1, 2, 3}), 1e-9);
        assertEquals(7, Report.median(new double[] {7}), 1e-9);
    }

    @Test
    void jsonCarriesSettingsRunsSummaryAndCallTotals() throws Exception {
        List<RunResult> runs = List.of(run("echofs", WorkloadKind.GETATTR, 1, 1000, 0, 1),
                run("ganesha", WorkloadKind.GETATTR, 1, 800, 0, 1));
        JsonNode j = new ObjectMapper().readTree(report(runs).toJson());
        assertEquals("ganesha", j.get("baseline").asText());
        assertEquals(4, j.get("settings").get("connections").asInt());
        assertEquals(2, j.get("runs").size());
        JsonNode r0 = j.get("runs").get(0);
        assertEquals("getattr", r0.get("workload").asText());
        assertEquals(1000, r0.get("ops").asLong());
        assertEquals(1000.0, r0.get("opsPerSecond").asDouble(), 1e-6);
        assertEquals(1.0, r0.get("latencyMillis").get("p99").asDouble(), 0.01);
        assertEquals(1.25, j.get("summary").get(0).get("ratio").get("echofs").asDouble(), 1e-9);
        assertEquals(1, j.get("callsTotal").get("echofs").get("GETATTR").asLong());
    }
}
