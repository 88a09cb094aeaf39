package org.echofs.gateway.metrics;

import com.codahale.metrics.Clock;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import org.HdrHistogram.Histogram;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A Dropwizard {@link Reservoir} for timers updated on every call. Recording is one atomic
 * increment of a counter in a fixed array of log-linear buckets (values below
 * {@value #LINEAR} exactly, larger ones within 1/64 of their value): no allocation, no lock, no
 * sorted-map insert as in the default {@code ExponentiallyDecayingReservoir}, and none of the
 * several atomics per value of an HdrHistogram {@code Recorder}. A snapshot takes the counts
 * added since the previous one into an HdrHistogram {@link Histogram} ({@value #DIGITS}
 * significant digits), which computes the quantiles: a snapshot's values are within about 2.5%.
 *
 * <p>Window: snapshots cover the last {@link #DEFAULT_SLICES} slices of {@link #DEFAULT_SLICE}
 * seconds each (about a minute). Values move into the current slice when a snapshot is taken (a
 * scrape), so a value recorded long before the next scrape counts in the slice current at that
 * scrape. Negative values count as 0. Memory: the bucket array (about 30 KiB), and histograms
 * that grow to the largest value seen.
 *
 * <p>Threads: {@link #update} from any number of threads; snapshots are serialised on this
 * object. The clock is injected (its {@code getTick} in nanoseconds).
 */
public final class HdrReservoir implements Reservoir {

    /** Significant decimal digits of the snapshot histograms. */
    static final int DIGITS = 2;
    /** log2 of the buckets per power of two. */
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    /** Values below this have a bucket each. */
    static final int LINEAR = 2 * SUB;
    /** Buckets for every long from 0 to {@link Long#MAX_VALUE}. */
    static final int BUCKETS = index(Long.MAX_VALUE) + 1;
    /** Largest value a snapshot reports (the middle of the last bucket). */
    static final long MAX_VALUE = representative(BUCKETS - 1);
    static final int DEFAULT_SLICES = 4;
    static final long DEFAULT_SLICE = 15;
    /** {@link Snapshot#getValues()} gives at most this many values (quantiles of the window). */
    static final int MAX_VALUES = 1028;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    /** {@link #counts} as the last snapshot saw them. */
    private final long[] seen = new long[BUCKETS];
    private final Clock clock;
    private final long sliceNanos;
    private final Histogram[] slices;
    private int current;
    private long currentStart;

    /** A minute-long window on the system clock. */
    public HdrReservoir() {
        this(Clock.defaultClock(), DEFAULT_SLICES, TimeUnit.SECONDS.toNanos(DEFAULT_SLICE));
    }

    /**
     * @param clock      time source (nanosecond ticks)
     * @param slices     slices in the window (at least 1)
     * @param sliceNanos length of one slice
     */
    public HdrReservoir(Clock clock, int slices, long sliceNanos) {
        if (slices < 1 || sliceNanos <= 0) throw new IllegalArgumentException("slices and slice length must be positive");
        this.clock = clock;
        this.sliceNanos = sliceNanos;
        this.slices = new Histogram[slices];
        for (int i = 0; i < slices; i++) this.slices[i] = new Histogram(DIGITS);
        this.currentStart = clock.getTick();
    }

    /** A timer on a new {@link HdrReservoir}: for {@code registry.timer(name, HdrReservoir::timer)}. */
    public static Timer timer() {
        return new Timer(new HdrReservoir());
    }

    /** {@code registry.timer(name)} with an {@link HdrReservoir} (fails as it does if the name holds another kind). */
    public static Timer timer(MetricRegistry registry, String name) {
        return registry.timer(name, HdrReservoir::timer);
    }

    /** The bucket of {@code value} (0 for negative values). */
    static int index(long value) {
        if (value < LINEAR) return value < 0 ? 0 : (int) value;
        int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BITS; // at least 1
        int sub = (int) (value >>> shift); // SUB to 2 * SUB - 1
        return LINEAR + (shift - 1) * SUB + (sub - SUB);
    }

    /** The smallest value of bucket {@code index}. */
    static long lowest(int index) {
        if (index < LINEAR) return index;
        int k = index - LINEAR;
        return (long) (k % SUB + SUB) << (k / SUB + 1);
    }

    /** The value a snapshot gives for bucket {@code index}: the middle of its range. */
    static long representative(int index) {
        long low = lowest(index);
        long high = index + 1 < BUCKETS ? lowest(index + 1) - 1 : Long.MAX_VALUE;
        return low + (high - low) / 2;
    }

    @Override
    public void update(long value) {
        counts.getAndIncrement(index(value));
    }

    /** Values in the window (capped at {@link Integer#MAX_VALUE}). */
    @Override
    public int size() {
        return getSnapshot().size();
    }

    @Override
    public synchronized Snapshot getSnapshot() {
        long now = clock.getTick();
        long elapsed = now - currentStart;
        if (elapsed >= sliceNanos) {
            long steps = elapsed / sliceNanos;
            for (long i = 0; i < Math.min(steps, slices.length); i++) {
                current = (current + 1) % slices.length;
                slices[current].reset();
            }
            currentStart += steps * sliceNanos;
        }
        Histogram slice = slices[current];
        for (int i = 0; i < BUCKETS; i++) {
            long c = counts.get(i);
            long added = c - seen[i];
            if (added != 0) {
                seen[i] = c;
                slice.recordValueWithCount(representative(i), added);
            }
        }
        Histogram sum = new Histogram(DIGITS);
        for (Histogram h : slices) sum.add(h);
        return new HdrSnapshot(sum);
    }

    /** An immutable view of one histogram. */
    static final class HdrSnapshot extends Snapshot {

        private final Histogram h;

        HdrSnapshot(Histogram h) {
            this.h = h;
        }

        @Override
        public double getValue(double quantile) {
            if (quantile < 0.0 || quantile > 1.0 || Double.isNaN(quantile)) {
                throw new IllegalArgumentException(quantile + " is not in [0..1]");
            }
            if (h.getTotalCount() == 0) return 0.0;
            return h.getValueAtPercentile(quantile * 100.0);
        }

        /** Up to {@link #MAX_VALUES} values, in order: every value while there are few, quantiles after that. */
        @Override
        public long[] getValues() {
            long count = h.getTotalCount();
            int n = (int) Math.min(count, MAX_VALUES);
            long[] values = new long[n];
            if (count <= MAX_VALUES) {
                int i = 0;
                for (var v : h.recordedValues()) {
                    long value = v.getValueIteratedTo();
                    for (long k = 0; k < v.getCountAtValueIteratedTo() && i < n; k++) values[i++] = value;
                }
            } else {
                for (int i = 0; i < n; i++) values[i] = h.getValueAtPercentile(100.0 * (i + 0.5) / n);
            }
            return values;
        }

        @Override
        public int size() {
            return (int) Math.min(h.getTotalCount(), Integer.MAX_VALUE);
        }

        @Override
        public long getMax() {
            return h.getTotalCount() == 0 ? 0 : h.getMaxValue();
        }

        @Override
        public double getMean() {
            return h.getTotalCount() == 0 ? 0.0 : h.getMean();
        }

        @Override
        public long getMin() {
            return h.getTotalCount() == 0 ? 0 : h.getMinValue();
        }

        @Override
        public double getStdDev() {
            return h.getTotalCount() < 2 ? 0.0 : h.getStdDeviation();
        }

        @Override
        public void dump(OutputStream output) {
            try (PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(output, StandardCharsets.UTF_8))) {
                for (long v : getValues()) out.printf("%d%n", v);
            }
        }
    }
}
