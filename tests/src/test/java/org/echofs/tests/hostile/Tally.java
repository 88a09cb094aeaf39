package org.echofs.tests.hostile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the hostile run saw: how often each kind of action ended in each outcome ("AUTH_BADCRED",
 * "SUCCESS/stat=10001", "closed-by-server", ...), and the violations: outcomes that contradict what
 * the server must do (every well-framed call gets an answer, each refusal is the right one). Keeps the
 * first {@value #KEEP} violation descriptions. Thread-safe.
 */
final class Tally {

    static final int KEEP = 40;

    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicLong violationCount = new AtomicLong();

    void count(String kind, String outcome) {
        counts.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    /** Counts the outcome and records that it broke an expectation. */
    void violation(String kind, String outcome, String detail) {
        count(kind, outcome);
        if (violationCount.incrementAndGet() <= KEEP) {
            violations.add(kind + ": " + detail);
        }
    }

    long violations() {
        return violationCount.get();
    }

    List<String> violationSamples() {
        return new ArrayList<>(violations);
    }

    long get(String kind, String outcome) {
        Map<String, LongAdder> m = counts.get(kind);
        LongAdder a = m == null ? null : m.get(outcome);
        return a == null ? 0 : a.sum();
    }

    /** Total of one outcome over every kind. */
    long outcome(String outcome) {
        long n = 0;
        for (Map<String, LongAdder> m : counts.values()) {
            LongAdder a = m.get(outcome);
            if (a != null) n += a.sum();
        }
        return n;
    }

    /** Total of outcomes starting with {@code prefix} over every kind. */
    long outcomesStartingWith(String prefix) {
        long n = 0;
        for (Map<String, LongAdder> m : counts.values()) {
            for (Map.Entry<String, LongAdder> e : m.entrySet()) {
                if (e.getKey().startsWith(prefix)) n += e.getValue().sum();
            }
        }
        return n;
    }

    long total(String kind) {
        Map<String, LongAdder> m = counts.get(kind);
        return m == null ? 0 : m.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long total() {
        return counts.keySet().stream().mapToLong(this::total).sum();
    }

    /** One line per kind: total, then each outcome with its count. */
    String table() {
        StringBuilder sb = new StringBuilder();
        for (String kind : new TreeSet<>(counts.keySet())) {
            Map<String, Long> sorted = new TreeMap<>();
            counts.get(kind).forEach((o, a) -> sorted.put(o, a.sum()));
            sb.append(String.format("  %-16s %7d  %s%n", kind, total(kind), sorted));
        }
        return sb.toString();
    }
}
