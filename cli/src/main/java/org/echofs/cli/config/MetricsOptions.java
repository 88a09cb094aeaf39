package org.echofs.cli.config;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Section {@code metrics}: how the gateway's metrics are exposed.
 *
 * @param bind address of the Prometheus HTTP endpoint. Key {@code bind}
 * @param port its port; 0 = ephemeral (the port chosen is written to {@code run/gateway.json}).
 *             Key {@code port}
 * @param jmx  whether metrics are also MBeans in the {@code echofs} JMX domain. Key {@code jmx}
 */
public record MetricsOptions(InetAddress bind, int port, boolean jmx) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 0;
    public static final boolean DEFAULT_JMX = true;

    public static final MetricsOptions DEFAULTS =
            new MetricsOptions(Addresses.parse(DEFAULT_BIND), DEFAULT_PORT, DEFAULT_JMX);

    public MetricsOptions {
        Objects.requireNonNull(bind, "bind");
    }
}
