package org.echofs.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the servers' memory while the benchmark runs, for servers on this machine: resident
 * set size from {@code /proc/PID/status} ({@code VmRSS} sampled, and the kernel's own peak
 * {@code VmHWM}), and for a JVM server the heap in use from its Prometheus endpoint
 * ({@code jvm_memory_heap_used}). Samples are attributed to the workload running against that
 * server at the time, so the report can say e.g. the heap peak during seq-write.
 *
 * <p>It also samples the machine's 1-minute load average ({@code /proc/loadavg}), since other
 * work on the machine is the main source of noise in the figures.
 *
 * <p>Threads: one daemon sampler thread; {@link #during} and {@link #snapshot} from any thread.
 * A sample that cannot be taken (process gone, endpoint down) is skipped and counted.
 */
final class ResourceWatch implements AutoCloseable {

    /** What was seen of one server; bytes. {@code -1} when never measured. */
    record Usage(long vmHwm, long rssPeak, long heapPeak, Map<String, Long> rssPeakByWorkload,
                 Map<String, Long> heapPeakByWorkload, long failedSamples) { }

    private static final String HEAP = "jvm_memory_heap_used";

    private final Map<String, Long> pids;
    private final Map<String, URI> metrics;
    private final Map<String, String> current = new ConcurrentHashMap<>();
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler;
    private final HttpClient http;
    private final List<Double> loads = new ArrayList<>();

    private static final class State {
        long vmHwm = -1;
        long rssPeak = -1;
        long heapPeak = -1;
        long failed;
        final Map<String, Long> rssBy = new LinkedHashMap<>();
        final Map<String, Long> heapBy = new LinkedHashMap<>();
    }

    /**
     * @param pids    server name to process id, for the RSS figures
     * @param metrics server name to Prometheus endpoint URL, for the heap figures
     * @param every   sampling interval
     */
    ResourceWatch(Map<String, Long> pids, Map<String, URI> metrics, Duration every) {
        this.pids = Map.copyOf(pids);
        this.metrics = Map.copyOf(metrics);
        for (String n : pids.keySet()) states.put(n, new State());
        for (String n : metrics.keySet()) states.put(n, new State());
        this.http = metrics.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-resource-watch");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isEmpty() {
        return states.isEmpty();
    }

    /** Attributes the following samples of {@code target} to {@code workload} (null: to none). */
    void during(String target, String workload) {
        if (workload == null) current.remove(target);
        else current.put(target, workload);
    }

    private void sample() {
        try {
            double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
            synchronized (loads) {
                loads.add(load);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no load figures
        }
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            State st = states.get(e.getKey());
            try {
                long[] v = procStatus(e.getValue());
                synchronized (st) {
                    if (v[0] >= 0) {
                        st.rssPeak = Math.max(st.rssPeak, v[0]);
                        String w = current.get(e.getKey());
                        if (w != null) st.rssBy.merge(w, v[0], Math::max);
                    }
                    if (v[1] >= 0) st.vmHwm = Math.max(st.vmHwm, v[1]);
                }
            } catch (IOException | RuntimeException ex) {
                synchronized (st) {
                    st.failed++;
                }
            }
        }
        for (Map.Entry<String, URI> e : metrics.entrySet()) {
            State st = states.get(e.getKey());
            try {
                long heap = heapUsed(e.getValue());
                synchronized (st) {
                    st.heapPeak = Math.max(st.heapPeak, heap);
                    String w = current.get(e.getKey());
                    if (w != null) st.heapBy.merge(w, heap, Math::max);
                }
            } catch (IOException | RuntimeException ex) {
                synchronized (st) {
                    st.failed++;
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {VmRSS, VmHWM} in bytes from /proc/PID/status ({@code -1} when absent). */
    static long[] procStatus(long pid) throws IOException {
        long rss = -1;
        long hwm = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) rss = kib(line);
            else if (line.startsWith("VmHWM:")) hwm = kib(line);
        }
        return new long[] {rss, hwm};
    }

    private static long kib(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
    }

    private long heapUsed(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode());
        return parseGauge(r.body(), HEAP);
    }

    /** The value of an unlabelled gauge in Prometheus text, as a whole number. */
    static long parseGauge(String text, String name) throws IOException {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(name + " not found");
    }

    /** What has been seen so far, by server name. */
    Map<String, Usage> snapshot() {
        Map<String, Usage> out = new LinkedHashMap<>();
        for (Map.Entry<String, State> e : states.entrySet()) {
            State st = e.getValue();
            synchronized (st) {
                out.put(e.getKey(), new Usage(st.vmHwm, st.rssPeak, st.heapPeak, new LinkedHashMap<>(st.rssBy),
                        new LinkedHashMap<>(st.heapBy), st.failed));
            }
        }
        return out;
    }

    /** Reads the CPU time (user + system, nanoseconds) of {@code target}'s process, or -1 when it is not watched. */
    java.util.function.LongSupplier cpuClock(String target) {
        Long pid = pids.get(target);
        if (pid == null) return () -> -1;
        return () -> {
            try {
                return cpuNanos(pid);
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        };
    }

    /** utime + stime of a process from /proc/PID/stat, in nanoseconds (clock ticks of 10 ms). */
    static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /** USER_HZ, 100 on Linux. */
    private static final long TICKS_PER_SECOND = 100;

    /** The 1-minute load averages sampled so far, in order. */
    double[] loads() {
        synchronized (loads) {
            return loads.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** Takes a last sample and stops sampling. */
    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }
}
