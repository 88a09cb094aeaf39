package org.echofs.cli.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layout of a node's data directory (default {@code ./var/echofs}, relative to the working
 * directory of the command):
 *
 * <pre>
 * gateway.yaml       configuration (written by the first {@code echofs up}, then left alone)
 * exports            exports file (a copy of the default unless --exports names another)
 * cluster.secret     32 random bytes, mode 0600: the key that signs file handles
 * volume/            the storage engine's files
 * lib/echofs.jar     the copy of the program's jar the gateway runs from (written by {@code echofs up})
 * logs/gateway.log   the gateway's stdout and stderr
 * run/gateway.pid    pid of the running gateway
 * run/gateway.json   pid, ports and URLs of the running gateway, once it serves
 * </pre>
 *
 * Immutable; the root is absolute and normalized.
 */
public record DataDir(Path root) {

    /** The default data directory, relative to the working directory. */
    public static final String DEFAULT = "var/echofs";

    public DataDir {
        root = root.toAbsolutePath().normalize();
    }

    public Path config() {
        return root.resolve("gateway.yaml");
    }

    public Path exports() {
        return root.resolve("exports");
    }

    public Path secret() {
        return root.resolve("cluster.secret");
    }

    public Path volume() {
        return root.resolve("volume");
    }

    /** The copy of the program's jar that {@code echofs up} starts the gateway from. */
    public Path gatewayJar() {
        return root.resolve("lib").resolve("echofs.jar");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path gatewayLog() {
        return logs().resolve("gateway.log");
    }

    public Path run() {
        return root.resolve("run");
    }

    public Path pidFile() {
        return run().resolve("gateway.pid");
    }

    public Path infoFile() {
        return run().resolve("gateway.json");
    }

    /** Creates the directory with {@code logs/} and {@code run/} (no-op where they exist). */
    public void create() throws IOException {
        Files.createDirectories(logs());
        Files.createDirectories(run());
    }
}
