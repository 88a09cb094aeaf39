package org.echofs.cli.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceWatchTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void readsRssPeakAndCpuTimeOfAProcess() throws Exception {
        long[] status = ResourceWatch.procStatus(SELF);
        assertTrue(status[0] > 0, "VmRSS");
        assertTrue(status[1] >= status[0], "VmHWM is at least VmRSS");
        long cpu0 = ResourceWatch.cpuNanos(SELF);
        assertTrue(cpu0 > 0, "a running JVM has used CPU");
        long x = 0;
        long cpu1 = cpu0;
        for (int i = 0; i < 2_000 && cpu1 == cpu0; i++) {
            for (int j = 0; j < 1_000_000; j++) x += j ^ i;
            cpu1 = ResourceWatch.cpuNanos(SELF);
        }
        assertTrue(cpu1 > cpu0, "CPU time grows while we compute (" + x + ")");
        assertEquals(0, cpu1 % 10_000_000, "clock ticks of 10 ms");
    }

    @Test
    void findsAnUnlabelledGaugeInPrometheusText() throws IOException {
        String text = "# HELP jvm_memory_heap_used x\n# TYPE jvm_memory_heap_used gauge\n"
                + "jvm_memory_heap_used_max 1.0\njvm_memory_heap_used 1.0502368E8\n";
        assertEquals(105_023_680L, ResourceWatch.parseGauge(text, "jvm_memory_heap_used"));
        assertThrows(IOException.class, () -> ResourceWatch.parseGauge("other 1\n", "jvm_memory_heap_used"));
    }

    @Test
    void attributesSamplesToTheWorkloadRunningThen() {
        ResourceWatch watch = new ResourceWatch(Map.of("me", SELF), Map.of(), Duration.ofMillis(10));
        watch.during("me", "getattr");
        watch.close(); // takes a last sample
        ResourceWatch.Usage u = watch.snapshot().get("me");
        assertTrue(u.vmHwm() > 0);
        assertTrue(u.rssPeakByWorkload().get("getattr") > 0, u.toString());
        assertEquals(-1, u.heapPeak(), "no metrics endpoint was given");
        assertTrue(watch.loads().length > 0, "the load average is sampled too");
        assertEquals(-1, watch.cpuClock("other").getAsLong());
        assertTrue(watch.cpuClock("me").getAsLong() > 0);
    }
}
