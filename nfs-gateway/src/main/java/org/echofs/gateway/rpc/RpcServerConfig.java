package org.echofs.gateway.rpc;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link RpcServer}. Start from {@link #defaults()} (or {@link #portmapDefaults()})
 * and change fields with the {@code with...} methods; the constructor rejects values that make
 * no sense with an {@link IllegalArgumentException} naming the field.
 *
 * @param bindAddress                   address to listen on (default 127.0.0.1; give the wildcard
 *                                      or a host address to serve other machines)
 * @param port                          TCP port (default 2049; 0 picks a free one)
 * @param maxRecordSize                 largest record (all fragments together) a client may send;
 *                                      a connection announcing more is closed (default 1 MiB +
 *                                      64 KiB, room for a 1 MiB WRITE)
 * @param ioThreads                     I/O threads (default: available processors)
 * @param maxConnections                open connections; above it a new one is accepted and closed
 *                                      at once (default 1024)
 * @param maxCallsInFlightPerConnection calls dispatched and not yet answered on one connection;
 *                                      at this many the server stops reading from it until half
 *                                      have been answered (default 128)
 * @param idleTimeout                   a connection with no call in flight that completes no
 *                                      record for this long is closed (default 5 minutes)
 * @param recordTimeout                 a record that has started but not completed within this
 *                                      time closes its connection, whatever trickles in (default 30 s)
 * @param maxBufferedBytes              bytes of incomplete records held across all connections; a
 *                                      connection whose bytes would go over it is closed (default
 *                                      256 MiB)
 * @param drcMaxEntries                 duplicate-request cache: most completed replies kept
 *                                      (default 8192)
 * @param drcMaxBytes                   duplicate-request cache: most reply bytes kept (default 16 MiB)
 * @param drcMaxAge                     duplicate-request cache: a reply older than this is forgotten
 *                                      (default 120 s)
 * @param metricPrefix                  prefix of this server's metric names (default "rpc"; give
 *                                      each server sharing a registry its own, e.g. "rpc.portmap")
 */
public record RpcServerConfig(
        InetAddress bindAddress,
        int port,
        int maxRecordSize,
        int ioThreads,
        int maxConnections,
        int maxCallsInFlightPerConnection,
        Duration idleTimeout,
        Duration recordTimeout,
        long maxBufferedBytes,
        int drcMaxEntries,
        long drcMaxBytes,
        Duration drcMaxAge,
        String metricPrefix) {

    public static final int DEFAULT_PORT = 2049;
    public static final int DEFAULT_MAX_RECORD_SIZE = 1024 * 1024 + 64 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_MAX_CALLS_IN_FLIGHT = 128;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_RECORD_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 256L * 1024 * 1024;
    public static final int DEFAULT_DRC_MAX_ENTRIES = 8192;
    public static final long DEFAULT_DRC_MAX_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_DRC_MAX_AGE = Duration.ofSeconds(120);
    public static final String DEFAULT_METRIC_PREFIX = "rpc";

    public RpcServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(recordTimeout, "recordTimeout");
        Objects.requireNonNull(drcMaxAge, "drcMaxAge");
        Objects.requireNonNull(metricPrefix, "metricPrefix");
        check(port >= 0 && port <= 65535, "port", port + " is not in 0..65535");
        check(maxRecordSize >= 64, "maxRecordSize", maxRecordSize + " is below 64 bytes");
        check(ioThreads >= 1, "ioThreads", ioThreads + " is below 1");
        check(maxConnections >= 1, "maxConnections", maxConnections + " is below 1");
        check(maxCallsInFlightPerConnection >= 1, "maxCallsInFlightPerConnection",
                maxCallsInFlightPerConnection + " is below 1");
        check(positive(idleTimeout), "idleTimeout", idleTimeout + " is not positive");
        check(positive(recordTimeout), "recordTimeout", recordTimeout + " is not positive");
        check(maxBufferedBytes >= maxRecordSize, "maxBufferedBytes",
                maxBufferedBytes + " is below maxRecordSize " + maxRecordSize);
        check(drcMaxEntries >= 0, "drcMaxEntries", drcMaxEntries + " is negative");
        check(drcMaxBytes >= 0, "drcMaxBytes", drcMaxBytes + " is negative");
        check(positive(drcMaxAge), "drcMaxAge", drcMaxAge + " is not positive");
        check(!metricPrefix.isEmpty(), "metricPrefix", "is empty");
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static void check(boolean ok, String field, String problem) {
        if (!ok) throw new IllegalArgumentException("rpc server " + field + ": " + problem);
    }

    /** The defaults for the NFS/MOUNT server, listening on 127.0.0.1:2049. */
    public static RpcServerConfig defaults() {
        return new RpcServerConfig(InetAddress.getLoopbackAddress(), DEFAULT_PORT, DEFAULT_MAX_RECORD_SIZE,
                Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CALLS_IN_FLIGHT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_RECORD_TIMEOUT, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_DRC_MAX_ENTRIES,
                DEFAULT_DRC_MAX_BYTES, DEFAULT_DRC_MAX_AGE, DEFAULT_METRIC_PREFIX);
    }

    /**
     * Defaults for the embedded portmapper's own server: 127.0.0.1:111, one I/O thread, small
     * records (8 KiB), 64 connections, a 1 MiB buffer cap, a small cache, metrics under
     * "rpc.portmap". Port 111 must not be taken by a system rpcbind.
     */
    public static RpcServerConfig portmapDefaults() {
        return new RpcServerConfig(InetAddress.getLoopbackAddress(), 111, 8 * 1024, 1, 64, 16,
                Duration.ofMinutes(1), Duration.ofSeconds(10), 1024 * 1024, 64, 64 * 1024, DEFAULT_DRC_MAX_AGE,
                "rpc.portmap");
    }

    public RpcServerConfig withBindAddress(InetAddress v) {
        return new RpcServerConfig(v, port, maxRecordSize, ioThreads, maxConnections, maxCallsInFlightPerConnection,
                idleTimeout, recordTimeout, maxBufferedBytes, drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix);
    }

    public RpcServerConfig withPort(int v) {
        return new RpcServerConfig(bindAddress, v, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, maxBufferedBytes, drcMaxEntries, drcMaxBytes,
                drcMaxAge, metricPrefix);
    }

    public RpcServerConfig withMaxRecordSize(int v) {
        return new RpcServerConfig(bindAddress, port, v, ioThreads, maxConnections, maxCallsInFlightPerConnection,
                idleTimeout, recordTimeout, maxBufferedBytes, drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix);
    }

    public RpcServerConfig withIoThreads(int v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, v, maxConnections, maxCallsInFlightPerConnection,
                idleTimeout, recordTimeout, maxBufferedBytes, drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix);
    }

    public RpcServerConfig withMaxConnections(int v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, v, maxCallsInFlightPerConnection,
                idleTimeout, recordTimeout, maxBufferedBytes, drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix);
    }

    public RpcServerConfig withMaxCallsInFlightPerConnection(int v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections, v, idleTimeout,
                recordTimeout, maxBufferedBytes, drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix);
    }

    public RpcServerConfig withIdleTimeout(Duration v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, v, recordTimeout, maxBufferedBytes, drcMaxEntries, drcMaxBytes, drcMaxAge,
                metricPrefix);
    }

    public RpcServerConfig withRecordTimeout(Duration v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, v, maxBufferedBytes, drcMaxEntries, drcMaxBytes, drcMaxAge,
                metricPrefix);
    }

    public RpcServerConfig withMaxBufferedBytes(long v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, v, drcMaxEntries, drcMaxBytes, drcMaxAge,
                metricPrefix);
    }

    public RpcServerConfig withDrcMaxEntries(int v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, maxBufferedBytes, v, drcMaxBytes, drcMaxAge,
                metricPrefix);
    }

    public RpcServerConfig withDrcMaxBytes(long v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, maxBufferedBytes, drcMaxEntries, v, drcMaxAge,
                metricPrefix);
    }

    public RpcServerConfig withDrcMaxAge(Duration v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, maxBufferedBytes, drcMaxEntries, drcMaxBytes, v,
                metricPrefix);
    }

    public RpcServerConfig withMetricPrefix(String v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, maxBufferedBytes, drcMaxEntries, drcMaxBytes,
                drcMaxAge, v);
    }
}
