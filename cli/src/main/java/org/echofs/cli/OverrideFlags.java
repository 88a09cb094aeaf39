package org.echofs.cli;

import org.echofs.cli.config.ConfigOverrides;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;

/** The flags that override {@code gateway.yaml}, shared by {@code up} and {@code gateway}. */
final class OverrideFlags {

    @Option(names = "--bind", paramLabel = "ADDR", converter = Flags.Address.class,
            description = "Address NFS and MOUNT listen on (config: bind; default 127.0.0.1).")
    InetAddress bind;

    @Option(names = "--nfs-port", paramLabel = "N", converter = Flags.Port.class,
            description = "TCP port of NFS and MOUNT; 0 = ephemeral (config: nfs.port; default 2049).")
    Integer nfsPort;

    @Option(names = "--portmap", negatable = true,
            description = "Start the embedded portmapper (config: portmap.enabled; default off).")
    Boolean portmap;

    @Option(names = "--portmap-port", paramLabel = "N", converter = Flags.Port.class,
            description = "Portmapper port (config: portmap.port; default 111).")
    Integer portmapPort;

    @Option(names = "--metrics-port", paramLabel = "N", converter = Flags.Port.class,
            description = "Prometheus endpoint port; 0 = ephemeral (config: metrics.port; default 0).")
    Integer metricsPort;

    @Option(names = "--exports", paramLabel = "FILE",
            description = "Exports file to use (config: exports; default DIR/exports, a copy of the built-in default).")
    Path exports;

    ConfigOverrides toOverrides(CliEnvironment env) {
        return new ConfigOverrides(bind, nfsPort, portmap, portmapPort, metricsPort,
                exports == null ? null : env.resolve(exports));
    }
}
