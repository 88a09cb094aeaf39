import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Summarises a JFR recording of the gateway (single-file program, run as
 * {@code java bench/JfrTop.java FILE.jfr [--from EPOCH_MS --to EPOCH_MS] [--top N]}): where the
 * CPU samples fall (threads, self time per method, inclusive time per echofs/H2/Netty/JDK-I/O
 * method, hottest stacks) and where threads wait (fsync, file I/O, monitors, parking). The window
 * limits it to the measured part of one benchmark run (the bench's JSON report has each run's
 * fromMillis/toMillis).
 */
public final class JfrTop {

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java JfrTop.java FILE.jfr [--from EPOCH_MS --to EPOCH_MS] [--top N]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        int top = 25;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--from" -> from = Long.parseLong(args[i + 1]);
                case "--to" -> to = Long.parseLong(args[i + 1]);
                case "--top" -> top = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> stacks = new HashMap<>();
        Map<String, long[]> waits = new HashMap<>();
        Map<String, Long> nativeSelf = new HashMap<>();
        Map<String, Long> nativeSites = new HashMap<>();
        Map<String, long[]> gcs = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        long allocated = 0;
        long nativeSamples = 0;
        long samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            long t = e.getStartTime().toEpochMilli();
            if (t < from || t > to) continue;
            String type = e.getEventType().getName();
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) continue;
                    samples++;
                    threads.merge(threadGroup(e.getThread("sampledThread")), 1L, Long::sum);
                    List<RecordedFrame> frames = st.getFrames();
                    self.merge(name(frames.get(0)), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    StringBuilder path = new StringBuilder();
                    int shown = 0;
                    for (RecordedFrame f : frames) {
                        String n = name(f);
                        if (seen.add(n) && interesting(n)) inclusive.merge(n, 1L, Long::sum);
                        if (shown < 8 && (shown == 0 || interesting(n))) {
                            if (shown > 0) path.append(" <- ");
                            path.append(shortName(n));
                            shown++;
                        }
                    }
                    stacks.merge(path.toString(), 1L, Long::sum);
                }
                case "jdk.NativeMethodSample" -> {
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) continue;
                    String top0 = name(st.getFrames().get(0));
                    if (top0.endsWith("EPoll.wait") || top0.endsWith("Unsafe.park") || top0.endsWith("Object.wait")
                            || top0.endsWith("ServerSocketChannelImpl.accept0") || top0.endsWith("Thread.sleep")
                            || top0.endsWith("SelectorImpl.lockAndDoSelect")) {
                        continue; // idle
                    }
                    nativeSamples++;
                    nativeSelf.merge(top0, 1L, Long::sum);
                    String site = firstEchofsFrame(st);
                    nativeSites.merge(shortName(top0) + (site == null ? "" : " at " + site), 1L, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    long[] v = gcs.computeIfAbsent(e.getString("name"), k -> new long[3]);
                    v[0]++;
                    v[1] += e.getDuration("sumOfPauses").toNanos();
                    v[2] += e.getDuration().toNanos();
                }
                case "jdk.ObjectAllocationSample" -> {
                    long w = e.getLong("weight");
                    allocated += w;
                    String cls = e.getClass("objectClass") == null ? "?" : e.getClass("objectClass").getName();
                    String site = firstEchofsFrame(e.getStackTrace());
                    allocations.merge(cls + (site == null ? "" : " at " + site), w, Long::sum);
                }
                case "jdk.FileForce", "jdk.FileWrite", "jdk.FileRead", "jdk.SocketRead", "jdk.SocketWrite",
                        "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.ThreadPark" -> {
                    String key = type.substring(4);
                    if (type.equals("jdk.JavaMonitorEnter") || type.equals("jdk.JavaMonitorWait")) {
                        key += " " + (e.getClass("monitorClass") == null ? "?" : e.getClass("monitorClass").getName());
                    } else if (type.equals("jdk.ThreadPark")) {
                        key += " " + (e.getClass("parkedClass") == null ? "?" : e.getClass("parkedClass").getName());
                    }
                    String site = firstEchofsFrame(e.getStackTrace());
                    if (site != null) key += " at " + site;
                    else if (!type.startsWith("jdk.File") && !type.startsWith("jdk.Socket")) continue; // idle pools
                    long[] v = waits.computeIfAbsent(key, k -> new long[2]);
                    v[0]++;
                    v[1] += e.getDuration().toNanos();
                }
                default -> { }
            }
        }
        System.out.printf("%s: %d CPU samples%s%n", file.getFileName(), samples,
                from == Long.MIN_VALUE ? "" : " between " + Instant.ofEpochMilli(from) + " and " + Instant.ofEpochMilli(to));
        print("CPU samples by thread", threads, samples, top);
        print("Self time (top frame)", self, samples, top);
        print("Inclusive time (echofs, H2, Netty, JDK I/O methods on the stack)", inclusive, samples, top);
        print("Hottest stacks (top frame <- callers of interest)", stacks, samples, Math.min(top, 15));
        System.out.println();
        System.out.printf("Native-code samples (busy, not idle polling): %d%n", nativeSamples);
        print("  by native method", nativeSelf, nativeSamples, Math.min(top, 10));
        print("  by native method and first echofs frame", nativeSites, nativeSamples, Math.min(top, 10));
        System.out.println();
        System.out.println("Garbage collection: count, pauses, total duration");
        gcs.forEach((n, v) -> System.out.printf(Locale.ROOT, "  %-24s %6d  %10s  %10s%n", n, v[0],
                human(Duration.ofNanos(v[1])), human(Duration.ofNanos(v[2]))));
        System.out.printf(Locale.ROOT, "%nAllocation (sampled, weighted): %.1f MiB%n", allocated / 1048576.0);
        List<Map.Entry<String, Long>> al = new ArrayList<>(allocations.entrySet());
        al.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (Map.Entry<String, Long> en : al.subList(0, Math.min(12, al.size()))) {
            System.out.printf(Locale.ROOT, "  %5.1f%%  %10.1f MiB  %s%n", 100.0 * en.getValue() / Math.max(1, allocated),
                    en.getValue() / 1048576.0, en.getKey());
        }
        System.out.println();
        System.out.println("Waits recorded (JFR thresholds apply): count, total, by kind and first echofs frame");
        waits.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %8d  %10s  %s%n", en.getValue()[0],
                        human(Duration.ofNanos(en.getValue()[1])), en.getKey()));
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.println();
        System.out.println(title + ":");
        List<Map.Entry<String, Long>> list = new ArrayList<>(counts.entrySet());
        list.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (Map.Entry<String, Long> e : list.subList(0, Math.min(top, list.size()))) {
            System.out.printf(Locale.ROOT, "  %5.1f%%  %7d  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getValue(),
                    e.getKey());
        }
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String shortName(String n) {
        int dot = n.lastIndexOf('.', n.lastIndexOf('.') - 1);
        return dot < 0 ? n : n.substring(dot + 1);
    }

    private static boolean interesting(String n) {
        return n.startsWith("org.echofs.") || n.startsWith("org.h2.") || n.startsWith("io.netty.")
                || n.startsWith("sun.nio.") || n.startsWith("java.io.") || n.startsWith("java.nio.")
                || n.startsWith("javax.crypto.") || n.startsWith("com.codahale.");
    }

    private static String firstEchofsFrame(RecordedStackTrace st) {
        if (st == null) return null;
        for (RecordedFrame f : st.getFrames()) {
            String n = name(f);
            if (n.startsWith("org.echofs.")) return shortName(n);
        }
        return null;
    }

    private static String threadGroup(RecordedThread t) {
        if (t == null) return "?";
        String n = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        return n == null ? "?" : n.replaceAll("-?\\d+$", "-N").replaceAll("-\\d+-", "-N-");
    }

    private static String human(Duration d) {
        double ms = d.toNanos() / 1e6;
        return ms >= 1000 ? String.format(Locale.ROOT, "%.2f s", ms / 1000) : String.format(Locale.ROOT, "%.1f ms", ms);
    }
}
