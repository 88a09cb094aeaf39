package org.echofs.gateway.metrics;

import com.codahale.metrics.Clock;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HdrReservoirTest {

    /** A clock that moves only when told. */
    private static final class ManualTicks extends Clock {
        long nanos;

        @Override
        public long getTick() {
            return nanos;
        }
    }

    private final ManualTicks clock = new ManualTicks();
    private final HdrReservoir reservoir = new HdrReservoir(clock, 4, TimeUnit.SECONDS.toNanos(15));

    @Test
    void quantilesMinMaxAndMeanWithinTwoAndAHalfPercent() {
        for (int v = 1; v <= 10_000; v++) reservoir.update(v * 1000L);
        Snapshot s = reservoir.getSnapshot();
        assertEquals(10_000, s.size());
        assertEquals(5_000_000, s.getMedian(), 125_000);
        assertEquals(9_900_000, s.get99thPercentile(), 250_000);
        assertEquals(1000, s.getMin(), 25);
        assertEquals(10_000_000, s.getMax(), 250_000);
        assertEquals(5_000_500, s.getMean(), 125_000);
        assertTrue(s.getStdDev() > 2_800_000 && s.getStdDev() < 2_990_000, "stddev " + s.getStdDev());
        assertThrows(IllegalArgumentException.class, () -> s.getValue(1.5));
    }

    @Test
    void emptyIsZeroes() {
        Snapshot s = reservoir.getSnapshot();
        assertEquals(0, s.size());
        assertEquals(0.0, s.getMedian());
        assertEquals(0, s.getMax());
        assertEquals(0, s.getMin());
        assertEquals(0.0, s.getMean());
        assertEquals(0, s.getValues().length);
    }

    @Test
    void valuesAreAllOfThemWhileFewThenQuantiles() {
        reservoir.update(7);
        reservoir.update(3);
        reservoir.update(3);
        assertEquals("[3, 3, 7]", Arrays.toString(reservoir.getSnapshot().getValues()));
        for (int i = 0; i < 100_000; i++) reservoir.update(i);
        long[] values = reservoir.getSnapshot().getValues();
        assertEquals(HdrReservoir.MAX_VALUES, values.length);
        for (int i = 1; i < values.length; i++) assertTrue(values[i - 1] <= values[i], "sorted");
    }

    @Test
    void negativeValuesCountAsZeroAndHugeOnesAreKept() {
        reservoir.update(-5);
        reservoir.update(Long.MAX_VALUE);
        Snapshot s = reservoir.getSnapshot();
        assertEquals(2, s.size());
        assertEquals(0, s.getMin());
        assertTrue(s.getMax() >= HdrReservoir.MAX_VALUE / 100 * 97, "max " + s.getMax());
    }

    @Test
    void bucketsCoverEveryValueInOrderWithin1Of64() {
        int last = -1;
        for (long v : new long[] {0, 1, 127, 128, 129, 255, 256, 1000, 123_456_789, 1L << 40, Long.MAX_VALUE / 3,
                Long.MAX_VALUE}) {
            int i = HdrReservoir.index(v);
            assertTrue(i >= last, "bucket order at " + v);
            last = i;
            assertTrue(HdrReservoir.lowest(i) <= v, "lowest of " + v);
            assertTrue(i + 1 == HdrReservoir.BUCKETS || HdrReservoir.lowest(i + 1) > v, "next bucket above " + v);
            long rep = HdrReservoir.representative(i);
            assertTrue(Math.abs(rep - v) <= Math.max(1, v / 64), v + " -> " + rep);
        }
        for (long v = 0; v < 5000; v++) {
            int i = HdrReservoir.index(v);
            assertTrue(HdrReservoir.lowest(i) <= v && v < HdrReservoir.lowest(i + 1), "bucket of " + v);
            assertTrue(HdrReservoir.index(v + 1) - HdrReservoir.index(v) <= 1, "no bucket skipped at " + v);
        }
        assertEquals(0, HdrReservoir.index(-1));
        assertEquals(HdrReservoir.BUCKETS - 1, HdrReservoir.index(Long.MAX_VALUE));
    }

    @Test
    void valuesLeaveTheWindowAfterAMinute() {
        reservoir.update(100);
        assertEquals(1, reservoir.getSnapshot().size());
        clock.nanos += TimeUnit.SECONDS.toNanos(20);
        reservoir.update(200);
        Snapshot s = reservoir.getSnapshot();
        assertEquals(2, s.size(), "both still in the window");
        clock.nanos += TimeUnit.SECONDS.toNanos(45); // 65 s after the first slice began
        s = reservoir.getSnapshot();
        assertEquals(1, s.size(), "the first slice left the window");
        assertEquals(200, s.getMax(), 5);
        clock.nanos += TimeUnit.HOURS.toNanos(1);
        assertEquals(0, reservoir.getSnapshot().size());
    }

    @Test
    void concurrentUpdatesAreAllCounted() throws Exception {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) reservoir.update(i);
            });
            threads[t].start();
        }
        for (int i = 0; i < 20; i++) reservoir.getSnapshot(); // reads while they write
        for (Thread t : threads) t.join();
        assertEquals(200_000, reservoir.getSnapshot().size());
    }

    @Test
    void timersOnItKeepTheirNameAndKindInTheRegistryAndOverJmx() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        Timer t = HdrReservoir.timer(registry, "hdrtest.op");
        assertTrue(t == HdrReservoir.timer(registry, "hdrtest.op"), "the same timer the second time");
        t.update(3, TimeUnit.MILLISECONDS);
        assertEquals(1, registry.timer("hdrtest.op").getCount());
        assertEquals(3_000_000, registry.timer("hdrtest.op").getSnapshot().getMedian(), 75_000);
        registry.counter("hdrtest.clash");
        assertThrows(IllegalArgumentException.class, () -> HdrReservoir.timer(registry, "hdrtest.clash"));

        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        try (JmxExposure jmx = new JmxExposure(registry)) {
            jmx.start();
            ObjectName name = mbeans.queryNames(new ObjectName("echofs:name=hdrtest.op,*"), null).iterator().next();
            assertEquals(1L, mbeans.getAttribute(name, "Count"));
            double p50 = ((Number) mbeans.getAttribute(name, "50thPercentile")).doubleValue();
            assertTrue(p50 > 2.9 && p50 < 3.1, "p50 in ms: " + p50);
            assertTrue(registry.timer("hdrtest.op") == t);
        }
    }
}
