package org.echofs.cli.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line flags that change a configuration read from a file ({@code --bind},
 * {@code --nfs-port}, {@code --[no-]portmap}, {@code --portmap-port}, {@code --metrics-port},
 * {@code --exports}). A null component leaves the file's value. Immutable.
 *
 * @param exports an absolute path
 */
public record ConfigOverrides(InetAddress bind, Integer nfsPort, Boolean portmap, Integer portmapPort,
                              Integer metricsPort, Path exports) {

    public static final ConfigOverrides NONE = new ConfigOverrides(null, null, null, null, null, null);

    public ConfigOverrides {
        if (exports != null && !exports.isAbsolute()) {
            throw new IllegalArgumentException("exports override must be absolute: " + exports);
        }
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** {@code base} with these flags applied. */
    public GatewayConfig applyTo(GatewayConfig base) {
        NfsOptions nfs = nfsPort == null ? base.nfs() : base.nfs().withPort(nfsPort);
        PortmapOptions pm = base.portmap();
        pm = new PortmapOptions(portmap == null ? pm.enabled() : portmap, pm.address(),
                portmapPort == null ? pm.port() : portmapPort);
        MetricsOptions m = base.metrics();
        if (metricsPort != null) {
            m = new MetricsOptions(m.bind(), metricsPort, m.jmx());
        }
        return new GatewayConfig(base.file(), base.dir(), bind == null ? base.bind() : bind,
                exports == null ? base.exports() : exports, nfs, pm, m, base.storage(), base.rpc(),
                base.jvm());
    }

    /** The same flags again, for handing on to a child process. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        if (bind != null) {
            args.add("--bind=" + Addresses.literal(bind));
        }
        if (nfsPort != null) {
            args.add("--nfs-port=" + nfsPort);
        }
        if (portmap != null) {
            args.add(portmap ? "--portmap" : "--no-portmap");
        }
        if (portmapPort != null) {
            args.add("--portmap-port=" + portmapPort);
        }
        if (metricsPort != null) {
            args.add("--metrics-port=" + metricsPort);
        }
        if (exports != null) {
            args.add("--exports=" + exports);
        }
        return args;
    }
}
