package org.echofs.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one {@code echofs bench} invocation measured, and its two renderings: a text table
 * for people and JSON for machines. With several targets the table holds, per workload, the
 * median of each target's rounds and the ratio of each target to the baseline (the last target).
 * Immutable after construction.
 *
 * @param command   the command line as given
 * @param started   wall time the benchmark started (ISO-8601)
 * @param finished  wall time it ended
 * @param machine   facts about the client machine (cores, OS, JVM, load)
 * @param settings  the settings used
 * @param targets   server name to URL, in the order given (the last is the baseline)
 * @param rounds    how many rounds were made
 * @param runs      every run, in the order made
 * @param calls     server name to every NFS call sent to it, by procedure (set-up, warm-up,
 *                  measured parts and clean-up alike)
 * @param resources memory seen of the servers that were watched
 */
record Report(String command, String started, String finished, Map<String, String> machine, BenchSettings settings,
              Map<String, String> targets, int rounds, List<RunResult> runs, Map<String, Map<String, Long>> calls,
              Map<String, ResourceWatch.Usage> resources) {

    /** The ratio a target must reach against the baseline. */
    static final double TARGET_RATIO = 1.0;

    /** One workload's summary line. */
    record Summary(WorkloadKind workload, Map<String, Double> medians, Map<String, Double> p99Medians,
                   Map<String, Double> cpuMedians, Map<String, Integer> okRuns, Map<String, Double> ratios,
                   String note) { }

    String baseline() {
        List<String> names = new ArrayList<>(targets.keySet());
        return names.get(names.size() - 1);
    }

    /** Medians and ratios per workload, in run order. */
    List<Summary> summaries() {
        List<WorkloadKind> kinds = new ArrayList<>();
        for (RunResult r : runs) if (!kinds.contains(r.workload())) kinds.add(r.workload());
        List<Summary> out = new ArrayList<>();
        for (WorkloadKind k : kinds) {
            Map<String, Double> medians = new LinkedHashMap<>();
            Map<String, Double> p99 = new LinkedHashMap<>();
            Map<String, Double> cpu = new LinkedHashMap<>();
            Map<String, Integer> ok = new LinkedHashMap<>();
            StringBuilder note = new StringBuilder();
            for (String t : targets.keySet()) {
                List<RunResult> mine = runs.stream()
                        .filter(r -> r.workload() == k && r.target().equals(t) && r.round() > 0).toList();
                double[] rates = mine.stream().filter(RunResult::ok).mapToDouble(RunResult::rate).toArray();
                double[] lat = mine.stream().filter(RunResult::ok).mapToDouble(r -> r.latencyMillis(99)).toArray();
                ok.put(t, rates.length);
                if (rates.length > 0) {
                    medians.put(t, median(rates));
                    p99.put(t, median(lat));
                }
                double[] cpus = mine.stream().filter(RunResult::ok).mapToDouble(RunResult::serverCpuMicrosPerOp)
                        .filter(v -> v >= 0).toArray();
                if (cpus.length > 0) cpu.put(t, median(cpus));
                for (RunResult r : mine) {
                    if (!r.ok()) {
                        if (note.length() > 0) note.append("; ");
                        note.append(t).append(" round ").append(r.round()).append(": ")
                                .append(r.failure() != null ? r.failure()
                                        : r.errors() > 0 ? r.errors() + " errors, first: " + r.firstError() : "no ops");
                    }
                }
            }
            Map<String, Double> ratios = new LinkedHashMap<>();
            Double base = medians.get(baseline());
            if (base != null && base > 0) {
                for (String t : targets.keySet()) {
                    if (!t.equals(baseline()) && medians.containsKey(t)) ratios.put(t, medians.get(t) / base);
                }
            }
            out.add(new Summary(k, medians, p99, cpu, ok, ratios, note.toString()));
        }
        return out;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    // ---- text

    void printText(PrintWriter out) {
        boolean compare = targets.size() > 1;
        out.printf("echofs bench  %s .. %s%n", started, finished);
        for (Map.Entry<String, String> t : targets.entrySet()) {
            out.printf("  %-10s %s%n", t.getKey(), t.getValue());
        }
        out.printf(Locale.ROOT, "  %d connections x %d in flight, %s per duration-bound workload after %s warm-up%s, "
                        + "%d round%s%n", settings.connections(), settings.depth(), settings.duration().toString()
                        .substring(2).toLowerCase(Locale.ROOT), settings.warmup().toString().substring(2)
                        .toLowerCase(Locale.ROOT), settings.ops() > 0 ? ", " + settings.ops() + " ops per run" : "",
                rounds, rounds == 1 ? "" : "s");
        if (machine.containsKey("loadAverageDuringRun")) {
            out.printf("  machine: %s cores; 1-minute load average during the run: %s%n", machine.get("cores"),
                    machine.get("loadAverageDuringRun"));
        }
        out.println();
        if (compare) printComparison(out);
        printRuns(out, compare);
        printResources(out);
        out.flush();
    }

    private void printComparison(PrintWriter out) {
        List<String> names = new ArrayList<>(targets.keySet());
        String base = baseline();
        StringBuilder h = new StringBuilder(String.format("%-12s %-6s", "workload", "unit"));
        for (String n : names) h.append(String.format(" %14s", n));
        for (String n : names) if (!n.equals(base)) h.append(String.format(" %16s", n + "/" + base));
        for (String n : names) h.append(String.format(" %" + p99Width(n) + "s", "p99 " + n));
        List<Summary> summaries = summaries();
        boolean cpu = summaries.stream().anyMatch(x -> !x.cpuMedians().isEmpty());
        if (cpu) for (String n : names) h.append(String.format(" %" + p99Width(n) + "s", "cpu " + n));
        out.println("Median of " + rounds + " round" + (rounds == 1 ? "" : "s") + " (rounds alternate between the servers); "
                + "ratio target >= " + TARGET_RATIO + ";");
        out.println("p99 = median of the rounds' p99 latency (ms)" + (cpu ? "; cpu = server CPU time per op (user+system, "
                + "median of the rounds, us)" : ""));
        out.println(h.toString().stripTrailing());
        for (Summary s : summaries) {
            StringBuilder line = new StringBuilder(String.format("%-12s %-6s", s.workload().id(),
                    s.workload().bandwidth() ? "MB/s" : "ops/s"));
            for (String n : names) {
                Double m = s.medians().get(n);
                line.append(String.format(Locale.ROOT, " %14s", m == null ? "failed" : rate(m)));
            }
            for (String n : names) {
                if (n.equals(base)) continue;
                Double r = s.ratios().get(n);
                line.append(String.format(Locale.ROOT, " %16s", r == null ? "-"
                        : String.format(Locale.ROOT, "%.2f%s", r, r >= TARGET_RATIO ? "" : " BELOW")));
            }
            for (String n : names) {
                Double p = s.p99Medians().get(n);
                line.append(String.format(Locale.ROOT, " %" + p99Width(n) + "s", p == null ? "-" : millis(p)));
            }
            if (cpu) {
                for (String n : names) {
                    Double c = s.cpuMedians().get(n);
                    line.append(String.format(Locale.ROOT, " %" + p99Width(n) + "s", c == null ? "-"
                            : c >= 100 ? String.format(Locale.ROOT, "%,.0f", c) : String.format(Locale.ROOT, "%.1f", c)));
                }
            }
            out.println(line.toString().stripTrailing());
            if (!s.note().isEmpty()) out.println("    note: " + s.note());
        }
        out.println();
    }

    private static int p99Width(String name) {
        return Math.max(10, name.length() + 4);
    }

    private void printRuns(PrintWriter out, boolean compare) {
        out.println((compare ? "Every run" : "Runs") + (runs.stream().anyMatch(r -> r.round() == 0)
                ? " (round 0 is the warm-up round, not counted):" : ":"));
        out.printf("%-12s %-10s %5s %12s %10s %9s %9s %9s %9s %12s %7s %11s%n", "workload", "server", "round", "ops/s",
                "MB/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "ops", "errors", "srv CPU/op");
        for (RunResult r : runs) {
            if (r.failure() != null && r.ops() == 0) {
                out.printf("%-12s %-10s %5d  failed: %s%n", r.workload().id(), r.target(), r.round(), r.failure());
                continue;
            }
            out.printf(Locale.ROOT, "%-12s %-10s %5d %12s %10s %9s %9s %9s %9s %,12d %7d %11s%n", r.workload().id(),
                    r.target(), r.round(), rate(r.opsPerSecond()), r.bytes() == 0 ? "-" : rate(r.megabytesPerSecond()),
                    millis(r.latencyMillis(50)), millis(r.latencyMillis(99)), millis(r.latencyMillis(99.9)),
                    millis(r.latency().getTotalCount() == 0 ? 0 : r.latency().getMaxValue() / 1e6), r.ops(), r.errors(),
                    r.serverCpuMicrosPerOp() < 0 ? "-" : micros(r.serverCpuMicrosPerOp()));
            if (r.failure() != null) out.println("    failed: " + r.failure());
            else if (r.firstError() != null) out.println("    first error: " + r.firstError());
        }
        out.println();
        out.println("What one op is:");
        Map<WorkloadKind, String> seen = new LinkedHashMap<>();
        for (RunResult r : runs) if (!r.description().isEmpty()) seen.putIfAbsent(r.workload(), r.description());
        for (Map.Entry<WorkloadKind, String> e : seen.entrySet()) {
            out.printf("  %-12s %s%n", e.getKey().id(), e.getValue());
        }
        for (RunResult r : runs) {
            if (r.commits().getTotalCount() > 0 && r.round() == 1) { // the first counted round
                out.printf(Locale.ROOT, "  %-12s %s: %d COMMITs, p50 %s ms, max %s ms%n", r.workload().id(), r.target(),
                        r.commits().getTotalCount(), millis(r.commits().getValueAtPercentile(50) / 1e6),
                        millis(r.commits().getMaxValue() / 1e6));
            }
        }
        out.println();
    }

    private void printResources(PrintWriter out) {
        if (resources.isEmpty()) return;
        out.println("Server memory (sampled while the benchmark ran):");
        for (Map.Entry<String, ResourceWatch.Usage> e : resources.entrySet()) {
            ResourceWatch.Usage u = e.getValue();
            StringBuilder b = new StringBuilder(String.format("  %-10s", e.getKey()));
            if (u.vmHwm() >= 0) b.append(" peak RSS (VmHWM) ").append(mib(u.vmHwm()));
            if (u.heapPeak() >= 0) {
                b.append(", heap used peak ").append(mib(u.heapPeak()));
                Long sw = u.heapPeakByWorkload().get(WorkloadKind.SEQ_WRITE.id());
                if (sw != null) b.append(" (during seq-write ").append(mib(sw)).append(")");
            }
            Long rssSw = u.rssPeakByWorkload().get(WorkloadKind.SEQ_WRITE.id());
            if (rssSw != null) b.append(", RSS peak during seq-write ").append(mib(rssSw));
            if (u.failedSamples() > 0) b.append(", ").append(u.failedSamples()).append(" samples failed");
            out.println(b);
        }
        out.println();
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    static String rate(double v) {
        if (v >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String micros(double us) {
        return us >= 1000 ? String.format(Locale.ROOT, "%,.0f us", us) : String.format(Locale.ROOT, "%.1f us", us);
    }

    static String millis(double ms) {
        if (ms >= 100) return String.format(Locale.ROOT, "%.0f", ms);
        if (ms >= 10) return String.format(Locale.ROOT, "%.1f", ms);
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    // ---- JSON

    String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("command", command);
        root.put("started", started);
        root.put("finished", finished);
        root.set("machine", mapper.valueToTree(machine));
        ObjectNode s = root.putObject("settings");
        s.put("connections", settings.connections());
        s.put("depth", settings.depth());
        s.put("ioThreads", settings.ioThreads());
        s.put("durationSeconds", settings.duration().toMillis() / 1000.0);
        s.put("warmupSeconds", settings.warmup().toMillis() / 1000.0);
        s.put("ops", settings.ops());
        s.put("files", settings.files());
        s.put("removeFiles", settings.removeFiles());
        s.put("dirEntries", settings.dirEntries());
        s.put("readdirCount", settings.readdirCount());
        s.put("createSize", settings.createSize());
        s.put("seqSize", settings.seqSize());
        s.put("seqBlock", settings.seqBlock());
        s.put("randSize", settings.randSize());
        s.put("randBlock", settings.randBlock());
        s.put("commitEvery", settings.commitEvery());
        s.put("nfscpSize", settings.nfscpSize());
        s.put("nfscpCopies", settings.nfscpCopies());
        s.put("seed", settings.seed());
        root.put("rounds", rounds);
        root.put("warmupRound", runs.stream().anyMatch(r -> r.round() == 0));
        root.put("baseline", baseline());
        ArrayNode ts = root.putArray("targets");
        targets.forEach((n, u) -> ts.addObject().put("name", n).put("url", u));
        ArrayNode sum = root.putArray("summary");
        for (Summary x : summaries()) {
            ObjectNode o = sum.addObject();
            o.put("workload", x.workload().id());
            o.put("unit", x.workload().bandwidth() ? "MB/s" : "ops/s");
            o.set("median", mapper.valueToTree(x.medians()));
            o.set("p99MillisMedian", mapper.valueToTree(x.p99Medians()));
            if (!x.cpuMedians().isEmpty()) o.set("serverCpuMicrosPerOpMedian", mapper.valueToTree(x.cpuMedians()));
            o.set("okRuns", mapper.valueToTree(x.okRuns()));
            o.set("ratio", mapper.valueToTree(x.ratios()));
            if (!x.note().isEmpty()) o.put("note", x.note());
        }
        ArrayNode rs = root.putArray("runs");
        for (RunResult r : runs) {
            ObjectNode o = rs.addObject();
            o.put("target", r.target());
            o.put("workload", r.workload().id());
            o.put("round", r.round());
            if (r.round() == 0) o.put("warmupRound", true);
            o.put("op", r.description());
            o.put("ops", r.ops());
            o.put("errors", r.errors());
            o.put("seconds", r.seconds());
            o.put("opsPerSecond", r.opsPerSecond());
            o.put("bytes", r.bytes());
            o.put("mbPerSecond", r.megabytesPerSecond());
            if (r.items() > 0) o.put("items", r.items());
            o.set("latencyMillis", latency(mapper, r.latency()));
            if (r.commits().getTotalCount() > 0) o.set("commitLatencyMillis", latency(mapper, r.commits()));
            o.set("calls", mapper.valueToTree(r.calls()));
            if (r.serverCpuNanos() >= 0) {
                o.put("serverCpuSeconds", r.serverCpuNanos() / 1e9);
                o.put("serverCpuMicrosPerOp", r.serverCpuMicrosPerOp());
            }
            if (r.firstError() != null) o.put("firstError", r.firstError());
            if (r.failure() != null) o.put("failure", r.failure());
            if (r.fromMillis() > 0) {
                o.put("fromMillis", r.fromMillis());
                o.put("toMillis", r.toMillis());
            }
        }
        root.set("callsTotal", mapper.valueToTree(calls));
        ObjectNode res = root.putObject("resources");
        resources.forEach((n, u) -> {
            ObjectNode o = res.putObject(n);
            if (u.vmHwm() >= 0) o.put("peakRssBytes", u.vmHwm());
            if (u.rssPeak() >= 0) o.put("sampledRssPeakBytes", u.rssPeak());
            if (u.heapPeak() >= 0) o.put("heapUsedPeakBytes", u.heapPeak());
            o.set("rssPeakByWorkload", mapper.valueToTree(u.rssPeakByWorkload()));
            o.set("heapUsedPeakByWorkload", mapper.valueToTree(u.heapPeakByWorkload()));
            o.put("failedSamples", u.failedSamples());
        });
        try {
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode latency(ObjectMapper mapper, Histogram h) {
        ObjectNode o = mapper.createObjectNode();
        o.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) return o;
        o.put("mean", h.getMean() / 1e6);
        o.put("p50", h.getValueAtPercentile(50) / 1e6);
        o.put("p90", h.getValueAtPercentile(90) / 1e6);
        o.put("p99", h.getValueAtPercentile(99) / 1e6);
        o.put("p99.9", h.getValueAtPercentile(99.9) / 1e6);
        o.put("max", h.getMaxValue() / 1e6);
        return o;
    }
}
