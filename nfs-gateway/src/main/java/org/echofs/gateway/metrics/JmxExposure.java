package org.echofs.gateway.metrics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;

/**
 * Exposes every metric of a registry as an MBean in the platform MBeanServer, in the
 * {@value #DOMAIN} domain (for example {@code echofs:name=nfs.GETATTR,type=timers}), for
 * jconsole, VisualVM or a JMX scraper. Metrics added to the registry later appear too.
 * {@link #close()} unregisters them. Threads: start and close from any one thread.
 */
public final class JmxExposure implements AutoCloseable {

    /** The JMX domain of every echofs metric. */
    public static final String DOMAIN = "echofs";

    private final JmxReporter reporter;

    public JmxExposure(MetricRegistry registry) {
        this.reporter = JmxReporter.forRegistry(registry).inDomain(DOMAIN).build();
    }

    /** Registers the MBeans and starts following the registry. */
    public void start() {
        reporter.start();
    }

    /** Unregisters every MBean this exposure registered. Idempotent. */
    @Override
    public void close() {
        reporter.stop();
    }
}
