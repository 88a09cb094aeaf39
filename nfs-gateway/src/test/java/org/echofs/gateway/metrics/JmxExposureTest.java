package org.echofs.gateway.metrics;

import com.codahale.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmxExposureTest {

    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();

    @Test
    void metricsBecomeMBeansInTheEchofsDomainAndGoAwayOnClose() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.counter("jmxtest.writes").inc(5);
        ObjectName pattern = new ObjectName("echofs:name=jmxtest.writes,*");

        JmxExposure jmx = new JmxExposure(registry);
        jmx.start();
        try {
            var names = mbeans.queryNames(pattern, null);
            assertEquals(1, names.size(), names.toString());
            ObjectName name = names.iterator().next();
            assertEquals(5L, mbeans.getAttribute(name, "Count"));

            registry.timer("jmxtest.later");
            assertFalse(mbeans.queryNames(new ObjectName("echofs:name=jmxtest.later,*"), null).isEmpty());
        } finally {
            jmx.close();
        }
        assertTrue(mbeans.queryNames(pattern, null).isEmpty());
    }
}
