package org.echofs.cli.bench;

import org.echofs.core.time.Clock;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a set of workloads against one or more servers: with several, round after round, each
 * workload against each server in turn (A B A B ...), so slow drifts of the machine's load fall
 * on all of them alike. Opens one {@link Session} per server for the whole benchmark (the
 * fixtures are made once) and closes them at the end.
 *
 * <p>Threads: {@link #run} blocks its caller. Failures to reach a server are
 * {@link IOException}s; failures of single runs are recorded in the report.
 */
final class Bench {

    /** A server to measure: a short name for the tables, and its URL. */
    record Target(String name, NfsUrl url) { }

    private final Clock clock;
    private final PrintWriter log;

    /** @param log where progress and set-up notes go (stderr) */
    Bench(Clock clock, PrintWriter log) {
        this.clock = clock;
        this.log = log;
    }

    /**
     * @param syncBetween run {@code sync} on this machine before each run, so that one server's
     *                    dirty pages are not written back during the next server's run (useful
     *                    only when the servers store their data on this machine)
     */
    Report run(String command, List<Target> targets, List<WorkloadKind> kinds, int rounds, BenchSettings settings,
               ResourceWatch watch, boolean syncBetween) throws IOException {
        return run(command, targets, kinds, rounds, null, settings, watch, syncBetween, Duration.ZERO);
    }

    /**
     * @param warmupRound when not null, a round 0 first runs every workload against every
     *                    target, duration-bound ones for this long, and its results are
     *                    reported but left out of the medians (it warms up JIT-compiled
     *                    servers, caches and fixtures)
     * @param settle      a pause before each run (after the sync), so that every run starts from
     *                    the same settled machine instead of inheriting what the previous run
     *                    freed or dirtied (zero: none)
     */
    Report run(String command, List<Target> targets, List<WorkloadKind> kinds, int rounds, Duration warmupRound,
               BenchSettings settings, ResourceWatch watch, boolean syncBetween, Duration settle) throws IOException {
        String started = Instant.ofEpochSecond(0, clock.wallNanos()).toString();
        Map<String, String> machine = machine();
        List<Session> sessions = new ArrayList<>();
        List<RunResult> runs = new ArrayList<>();
        Runner runner = new Runner(clock, log, settings.progress());
        try {
            for (Target t : targets) {
                log.printf("connecting to %s (%s)%n", t.name(), t.url());
                log.flush();
                sessions.add(Session.open(t.name(), t.url(), settings, clock, log));
            }
            for (int round = warmupRound != null ? 0 : 1; round <= rounds; round++) {
                Duration duration = round == 0 ? warmupRound : settings.duration();
                for (WorkloadKind k : kinds) {
                    for (Session s : sessions) {
                        if (syncBetween) sync();
                        if (!settle.isZero()) pause(settle);
                        watch.during(s.name(), round == 0 ? null : k.id());
                        RunResult r;
                        try {
                            r = runner.run(s, k, round, duration, watch.cpuClock(s.name()));
                        } finally {
                            watch.during(s.name(), null);
                        }
                        runs.add(r);
                        summary(r, rounds);
                    }
                }
            }
        } finally {
            for (Session s : sessions) s.close();
        }
        String finished = Instant.ofEpochSecond(0, clock.wallNanos()).toString();
        machine.put("loadAverageAtEnd", String.format(java.util.Locale.ROOT, "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        double[] loads = watch.loads();
        if (loads.length > 0) {
            double[] sorted = loads.clone();
            java.util.Arrays.sort(sorted);
            machine.put("loadAverageDuringRun", String.format(java.util.Locale.ROOT,
                    "min %.1f, median %.1f, max %.1f (%d samples)", sorted[0], Report.median(sorted),
                    sorted[sorted.length - 1], sorted.length));
        }
        Map<String, String> urls = new LinkedHashMap<>();
        for (Target t : targets) urls.put(t.name(), t.url().toString());
        Map<String, Map<String, Long>> calls = new LinkedHashMap<>();
        for (Session s : sessions) calls.put(s.name(), s.calls().toMap());
        return new Report(command, started, finished, machine, settings, urls, rounds, runs, calls, watch.snapshot());
    }

    private void summary(RunResult r, int rounds) {
        String round = r.round() == 0 ? "warm-up round (not counted)" : "round " + r.round() + "/" + rounds;
        if (r.failure() != null && r.ops() == 0) {
            log.printf("%-12s %-10s %s: FAILED: %s%n", r.workload().id(), r.target(), round, r.failure());
        } else {
            log.printf(java.util.Locale.ROOT, "%-12s %-10s %s: %s %s  p50 %s ms  p99 %s ms  p99.9 %s ms  "
                            + "(%,d ops in %.1f s%s)%s%n", r.workload().id(), r.target(), round,
                    Report.rate(r.rate()), r.workload().bandwidth() ? "MB/s" : "ops/s", Report.millis(r.latencyMillis(50)),
                    Report.millis(r.latencyMillis(99)), Report.millis(r.latencyMillis(99.9)), r.ops(), r.seconds(),
                    r.errors() > 0 ? ", " + r.errors() + " errors" : "",
                    r.failure() != null ? "  FAILED: " + r.failure() : "");
        }
        log.flush();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sync() {
        try {
            Process p = new ProcessBuilder("sync").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroy();
        } catch (IOException e) {
            log.println("  (sync could not run: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Facts about this machine for the report. */
    static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("loadAverageAtStart", String.format(java.util.Locale.ROOT, "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
                    break;
                }
            }
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    m.put("memory", line.substring(9).trim());
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fewer facts
        }
        return m;
    }
}
