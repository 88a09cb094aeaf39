package org.echofs.gateway.metrics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jvm.BufferPoolMetricSet;
import com.codahale.metrics.jvm.ClassLoadingGaugeSet;
import com.codahale.metrics.jvm.GarbageCollectorMetricSet;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import com.codahale.metrics.jvm.ThreadStatesGaugeSet;

import java.lang.management.ManagementFactory;

/**
 * Registers the JVM's own gauges under {@code jvm.}: {@code jvm.memory.*} (heap, non-heap,
 * pools), {@code jvm.gc.*} (count and time per collector), {@code jvm.threads.*} (count per
 * state, daemon, deadlocks), {@code jvm.buffers.*} (direct and mapped buffers, where Netty's
 * memory shows) and {@code jvm.classloader.*}. The gauges read the platform MXBeans when read.
 */
public final class JvmMetrics {

    /** The prefix every JVM gauge is registered under. */
    public static final String PREFIX = "jvm";

    private JvmMetrics() {
    }

    /**
     * Registers the gauges in {@code registry}. Call once per registry: a second call fails with
     * {@link IllegalArgumentException} because the names already exist.
     */
    public static void register(MetricRegistry registry) {
        registry.register(PREFIX + ".memory", new MemoryUsageGaugeSet());
        registry.register(PREFIX + ".gc", new GarbageCollectorMetricSet());
        registry.register(PREFIX + ".threads", new ThreadStatesGaugeSet());
        registry.register(PREFIX + ".buffers", new BufferPoolMetricSet(ManagementFactory.getPlatformMBeanServer()));
        registry.register(PREFIX + ".classloader", new ClassLoadingGaugeSet());
    }
}
