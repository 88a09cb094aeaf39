package org.echofs.cli.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.echofs.core.time.Clock;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one workload against one {@link Session}: setup (not timed), a warm-up for
 * duration-bound workloads (not measured), the measured part, the workload's finishing step
 * (timed), teardown (not timed). The load is closed-loop: connections x depth slots each keep
 * one op in flight, issuing the next op from the completion of the previous one on the
 * connection's I/O thread. The measured part ends after {@code --duration} (ops in flight then
 * still count), after {@code --ops} ops, or when a finite workload is exhausted; a call that
 * fails at the RPC level (timeout, closed connection) stops it and fails the run.
 *
 * <p>Threads: {@link #run} blocks the calling thread, which also prints the progress lines.
 * One run at a time per runner.
 */
final class Runner {

    private final Clock clock;
    private final PrintWriter progress;
    private final Duration progressEvery;

    /**
     * @param progress      where progress lines and set-up notes go
     * @param progressEvery how often the measured part prints a progress line (zero: never)
     */
    Runner(Clock clock, PrintWriter progress, Duration progressEvery) {
        this.clock = clock;
        this.progress = progress;
        this.progressEvery = progressEvery;
    }

    /** Runs {@code kind} once against {@code session}; never throws for a failed run (see {@link RunResult#failure()}). */
    RunResult run(Session session, WorkloadKind kind, int round) {
        return run(session, kind, round, session.settings().duration(), () -> -1);
    }

    /**
     * As {@link #run(Session, WorkloadKind, int)}, measuring duration-bound workloads for
     * {@code duration}; {@code serverCpu} reads the server's CPU time in nanoseconds (or -1),
     * before and after the measured part.
     */
    RunResult run(Session session, WorkloadKind kind, int round, Duration duration,
                  java.util.function.LongSupplier serverCpu) {
        BenchSettings s = session.settings();
        Workload w = kind.create();
        int slotCount = w.slots() > 0 ? w.slots() : s.connections() * s.depth();
        Workload.Context context = new Workload.Context(session, s, clock, slotCount);
        String failure = null;
        RunResult result;
        try {
            w.setup(context);
        } catch (IOException | RuntimeException e) {
            failure = "setup: " + message(e);
            tryTeardown(w, context);
            return RunResult.failed(session.name(), kind, round, failure);
        }
        try {
            List<Workload.Slot> slots = new ArrayList<>();
            SplittableRandom seeds = new SplittableRandom(s.seed());
            for (int i = 0; i < slotCount; i++) {
                slots.add(new Workload.Slot(i, session.client(i), seeds.split()));
            }
            String label = kind.id() + " " + session.name() + (round > 0 ? " r" + round : " warm-up round");
            if (!w.finite() && !s.warmup().isZero()) {
                Phase warm = new Phase(w, clock.monotonicNanos() + s.warmup().toNanos(), 0);
                warm.start(slots);
                await(warm, null, label);
                if (warm.failure.get() != null) {
                    failure = "warm-up: " + message(warm.failure.get());
                }
            }
            if (failure == null) {
                long[] before = session.calls().snapshot();
                long deadline = w.finite() || s.ops() > 0 ? Long.MAX_VALUE : clock.monotonicNanos() + duration.toNanos();
                Phase run = new Phase(w, deadline, s.ops());
                long fromMillis = clock.wallNanos() / 1_000_000;
                long cpu0 = serverCpu.getAsLong();
                run.start(slots);
                Histogram latency = await(run, run, label);
                long end = run.end;
                Histogram commits = run.commits.getIntervalHistogram();
                if (run.failure.get() == null) {
                    CompletableFuture<Workload.Outcome> fin = w.finish(context);
                    if (fin != null) {
                        long t0 = clock.monotonicNanos();
                        try {
                            Workload.Outcome o = Session.await(fin);
                            end = clock.monotonicNanos();
                            commits.recordValue(Math.max(1, end - t0));
                            if (o.failed()) {
                                run.errors.increment();
                                run.firstError.compareAndSet(null, outcomeText(o));
                            }
                        } catch (IOException | RuntimeException e) {
                            run.failure.compareAndSet(null, e);
                        }
                    }
                }
                long cpu1 = serverCpu.getAsLong();
                if (run.failure.get() != null) failure = message(run.failure.get());
                result = new RunResult(session.name(), kind, round, w.describe(), run.ops.sum(), run.errors.sum(),
                        Math.max(0, end - run.start), run.bytes.sum(), run.items.sum(), latency, commits,
                        CallCounts.difference(before, session.calls().snapshot()), run.firstError.get(), failure,
                        fromMillis, clock.wallNanos() / 1_000_000, cpu0 >= 0 && cpu1 >= cpu0 ? cpu1 - cpu0 : -1);
            } else {
                result = RunResult.failed(session.name(), kind, round, failure);
            }
        } catch (RuntimeException e) {
            result = RunResult.failed(session.name(), kind, round, message(e));
        }
        String teardown = tryTeardown(w, context);
        if (teardown != null) result = result.withFailure("teardown: " + teardown);
        return result;
    }

    private String tryTeardown(Workload w, Workload.Context context) {
        try {
            w.teardown(context);
            return null;
        } catch (IOException | RuntimeException e) {
            progress.printf("  %s: teardown failed: %s%n", context.session().name(), message(e));
            progress.flush();
            return message(e);
        }
    }

    /** Waits for the phase to end, printing progress lines; returns the latency histogram of the phase. */
    private Histogram await(Phase phase, Phase measured, String label) {
        Histogram total = new Histogram(3);
        Duration every = measured == null ? Duration.ZERO : progressEvery;
        long lastOps = 0;
        long lastTick = phase.start;
        while (true) {
            try {
                if (every.isZero()) {
                    phase.done.get();
                } else {
                    phase.done.get(every.toNanos(), TimeUnit.NANOSECONDS);
                }
                break;
            } catch (TimeoutException e) {
                Histogram interval = phase.latency.getIntervalHistogram();
                total.add(interval);
                long now = clock.monotonicNanos();
                long ops = phase.ops.sum();
                double rate = (ops - lastOps) * 1e9 / Math.max(1, now - lastTick);
                double mb = phase.bytes.sum() * 1e3 / Math.max(1, now - phase.start);
                progress.printf(Locale.ROOT, "  [%s%s] %5.1fs %,12d ops %,10.0f ops/s %8.1f MB/s  p50 %s  p99 %s%s%n",
                        label, measured == null ? " warm-up" : "", (now - phase.start) / 1e9, ops, rate, mb,
                        Report.millis(interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(50) / 1e6),
                        Report.millis(interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1e6),
                        phase.errors.sum() > 0 ? "  errors " + phase.errors.sum() : "");
                progress.flush();
                lastOps = ops;
                lastTick = now;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                phase.stop = true;
                phase.failure.compareAndSet(null, new IOException("interrupted"));
                break;
            } catch (ExecutionException e) {
                phase.failure.compareAndSet(null, e.getCause());
                break;
            }
        }
        total.add(phase.latency.getIntervalHistogram());
        return total;
    }

    static String message(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }

    private static String outcomeText(Workload.Outcome o) {
        return o.error() != null ? o.error() : NfsStatus.name(o.status());
    }

    /** One closed-loop phase (warm-up or measured). */
    private final class Phase {
        final Workload w;
        final long deadline;
        final long opsLimit;
        final Recorder latency = new Recorder(3);
        final Recorder commits = new Recorder(3);
        final AtomicLong issued = new AtomicLong();
        final LongAdder ops = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder items = new LongAdder();
        final AtomicInteger active = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile boolean stop;
        volatile long end;
        long start;

        Phase(Workload w, long deadline, long opsLimit) {
            this.w = w;
            this.deadline = deadline;
            this.opsLimit = opsLimit;
        }

        void start(List<Workload.Slot> slots) {
            active.set(slots.size());
            start = clock.monotonicNanos();
            for (Workload.Slot slot : slots) loop(slot);
        }

        private boolean mayIssue() {
            if (stop) return false;
            if (opsLimit > 0 && issued.getAndIncrement() >= opsLimit) return false;
            return deadline == Long.MAX_VALUE || clock.monotonicNanos() - deadline < 0;
        }

        private void loop(Workload.Slot slot) {
            while (true) {
                if (!mayIssue()) {
                    slotDone();
                    return;
                }
                long t0 = clock.monotonicNanos();
                CompletableFuture<Workload.Outcome> f;
                try {
                    f = w.op(slot);
                } catch (RuntimeException e) {
                    fail(e);
                    slotDone();
                    return;
                }
                if (f == null) {
                    slotDone();
                    return;
                }
                slot.seq++;
                if (!f.isDone()) {
                    f.whenComplete((o, e) -> {
                        record(o, e, t0);
                        loop(slot);
                    });
                    return;
                }
                f.whenComplete((o, e) -> record(o, e, t0));
            }
        }

        private void record(Workload.Outcome o, Throwable e, long t0) {
            long now = clock.monotonicNanos();
            if (e != null) {
                fail(e);
                return;
            }
            if (o.failed()) {
                errors.increment();
                firstError.compareAndSet(null, outcomeText(o));
                return;
            }
            latency.recordValue(Math.max(1, now - t0));
            if (o.commitNanos() >= 0) commits.recordValue(Math.max(1, o.commitNanos()));
            ops.increment();
            if (o.bytes() != 0) bytes.add(o.bytes());
            if (o.items() != 0) items.add(o.items());
        }

        private void fail(Throwable e) {
            failure.compareAndSet(null, e);
            stop = true;
        }

        private void slotDone() {
            if (active.decrementAndGet() == 0) {
                end = clock.monotonicNanos();
                done.complete(null);
            }
        }
    }
}
