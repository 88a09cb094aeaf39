package org.echofs.cli.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The effective configuration of a standalone gateway, as read from {@code gateway.yaml} by
 * {@link ConfigLoader} and possibly changed by command-line flags ({@link ConfigOverrides}).
 * Immutable; every path is absolute. Each option's default is the constant next to it.
 *
 * @param file    the configuration file this came from (relative paths in it resolve against its
 *                directory)
 * @param dir     the data directory: cluster secret, volume, logs, run files. Key {@code dir}
 * @param bind    the address NFS and MOUNT listen on. Key {@code bind}
 * @param exports the exports(5)-style file. Key {@code exports}
 * @param jvm     how {@code echofs up} starts the gateway's JVM. Section {@code jvm}
 */
public record GatewayConfig(Path file, Path dir, InetAddress bind, Path exports, NfsOptions nfs,
                            PortmapOptions portmap, MetricsOptions metrics, StorageOptions storage,
                            RpcOptions rpc, JvmOptions jvm) {

    /** Default {@code dir}: the directory holding the configuration file. */
    public static final String DEFAULT_DIR = ".";
    /** Default {@code bind}: loopback only. */
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** Default {@code exports}: the file {@code exports} next to the configuration file. */
    public static final String DEFAULT_EXPORTS = "exports";

    public GatewayConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(exports, "exports");
        Objects.requireNonNull(nfs, "nfs");
        Objects.requireNonNull(portmap, "portmap");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(rpc, "rpc");
        Objects.requireNonNull(jvm, "jvm");
    }

    /** Every option at its default, for a configuration file at {@code file}. */
    public static GatewayConfig defaults(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path base = abs.getParent();
        return new GatewayConfig(abs, base.resolve(DEFAULT_DIR).normalize(), Addresses.parse(DEFAULT_BIND),
                base.resolve(DEFAULT_EXPORTS), NfsOptions.DEFAULTS, PortmapOptions.DEFAULTS, MetricsOptions.DEFAULTS,
                StorageOptions.DEFAULTS, RpcOptions.DEFAULTS, JvmOptions.DEFAULTS);
    }

    /** The same configuration with {@code jvm} replaced. */
    public GatewayConfig withJvm(JvmOptions jvm) {
        return new GatewayConfig(file, dir, bind, exports, nfs, portmap, metrics, storage, rpc, jvm);
    }

    /** Where the portmapper listens when enabled: {@code portmap.address}, else {@link #bind()}. */
    public InetAddress portmapAddress() {
        return portmap.address().orElse(bind);
    }
}
