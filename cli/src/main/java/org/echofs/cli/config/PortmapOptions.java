package org.echofs.cli.config;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Section {@code portmap}: the embedded portmapper (v2), which lets clients find NFS and MOUNT
 * without being told the port. Off by default: port 111 needs root and is often taken by the
 * system's rpcbind.
 *
 * @param enabled whether to start it. Key {@code enabled}
 * @param address where it listens; empty = the gateway's {@code bind}. Key {@code address}
 * @param port    its TCP port. Key {@code port}
 */
public record PortmapOptions(boolean enabled, Optional<InetAddress> address, int port) {

    public static final boolean DEFAULT_ENABLED = false;
    public static final int DEFAULT_PORT = 111;

    public static final PortmapOptions DEFAULTS = new PortmapOptions(DEFAULT_ENABLED, Optional.empty(), DEFAULT_PORT);

    public PortmapOptions {
        Objects.requireNonNull(address, "address");
    }
}
