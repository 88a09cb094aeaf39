package org.echofs.gateway.rpc;

import io.netty.util.internal.PlatformDependent;

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
 * @param idleTimeout                   a connection with no call in flight (or waiting for memory)
 *                                      that completes no record for this long is closed (default
 *                                      5 minutes)
 * @param recordTimeout                 a record that has started but not completed within this
 *                                      time closes its connection, whatever trickles in (default 30 s)
 * @param writeStallTimeout             a connection with replies waiting to be sent that makes no
 *                                      write progress for this long is closed, releasing what it
 *                                      holds (default 30 s)
 * @param memoryBudget                  bytes the server holds for all connections together: partial
 *                                      records, requests of calls waiting or running, replies
 *                                      reserved or not yet written (see the package documentation).
 *                                      At most half of it may be partial records. Default
 *                                      {@link #defaultMemoryBudget()}: half of the JVM's direct
 *                                      memory, between 16 MiB and 1 GiB; at least twice maxRecordSize
 * @param connectionBudget              the same, for one connection: past it the connection is not
 *                                      read and its calls wait (default 16 MiB; at least
 *                                      maxRecordSize; the memory budget caps it)
 * @param drcMaxEntries                 duplicate-request cache: most completed replies kept
 *                                      (default 8192)
 * @param drcMaxBytes                   duplicate-request cache: most reply bytes kept (default 16 MiB)
 * @param drcMaxAge                     duplicate-request cache: a reply older than this is forgotten
 *                                      (default 120 s)
 * @param metricPrefix                  prefix of this server's metric names (default "rpc"; give
 *                                      each server sharing a registry its own, e.g. "rpc.portmap")
 * @param maxSlabs                      most large data buffers ("slabs", each maxRecordSize rounded up
 *                                      to 4 KiB) the server keeps for READ data and records that span
 *                                      socket reads (see {@code SlabAllocator}); made when first needed
 *                                      and kept until the server closes; 0 turns them off. Default
 *                                      {@value #DERIVED_MAX_SLABS}: derived, see {@link #slabs()}
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
        Duration writeStallTimeout,
        long memoryBudget,
        long connectionBudget,
        int drcMaxEntries,
        long drcMaxBytes,
        Duration drcMaxAge,
        String metricPrefix,
        int maxSlabs) {

    public static final int DEFAULT_PORT = 2049;
    public static final int DEFAULT_MAX_RECORD_SIZE = 1024 * 1024 + 64 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_MAX_CALLS_IN_FLIGHT = 128;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_RECORD_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WRITE_STALL_TIMEOUT = Duration.ofSeconds(30);
    /** Bounds of the derived {@link #defaultMemoryBudget()}. */
    public static final long MIN_DEFAULT_MEMORY_BUDGET = 16L * 1024 * 1024;
    public static final long MAX_DEFAULT_MEMORY_BUDGET = 1024L * 1024 * 1024;
    public static final long DEFAULT_CONNECTION_BUDGET = 16L * 1024 * 1024;
    public static final int DEFAULT_DRC_MAX_ENTRIES = 8192;
    public static final long DEFAULT_DRC_MAX_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_DRC_MAX_AGE = Duration.ofSeconds(120);
    public static final String DEFAULT_METRIC_PREFIX = "rpc";
    /** {@link #maxSlabs} meaning "derive it from the budget and record size" ({@link #slabs()}). */
    public static final int DERIVED_MAX_SLABS = -1;
    /** The most slabs a derived {@link #maxSlabs} gives. */
    public static final int MAX_DERIVED_SLABS = 64;

    public RpcServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(recordTimeout, "recordTimeout");
        Objects.requireNonNull(writeStallTimeout, "writeStallTimeout");
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
        check(positive(writeStallTimeout), "writeStallTimeout", writeStallTimeout + " is not positive");
        check(memoryBudget >= 2L * maxRecordSize, "memoryBudget",
                memoryBudget + " is below twice maxRecordSize " + maxRecordSize);
        check(connectionBudget >= maxRecordSize, "connectionBudget",
                connectionBudget + " is below maxRecordSize " + maxRecordSize);
        check(drcMaxEntries >= 0, "drcMaxEntries", drcMaxEntries + " is negative");
        check(drcMaxBytes >= 0, "drcMaxBytes", drcMaxBytes + " is negative");
        check(positive(drcMaxAge), "drcMaxAge", drcMaxAge + " is not positive");
        check(!metricPrefix.isEmpty(), "metricPrefix", "is empty");
        check(maxSlabs >= DERIVED_MAX_SLABS, "maxSlabs", maxSlabs + " is below " + DERIVED_MAX_SLABS);
    }

    /** The settings with {@link #maxSlabs} derived ({@value #DERIVED_MAX_SLABS}). */
    public RpcServerConfig(InetAddress bindAddress, int port, int maxRecordSize, int ioThreads, int maxConnections,
                           int maxCallsInFlightPerConnection, Duration idleTimeout, Duration recordTimeout,
                           Duration writeStallTimeout, long memoryBudget, long connectionBudget, int drcMaxEntries,
                           long drcMaxBytes, Duration drcMaxAge, String metricPrefix) {
        this(bindAddress, port, maxRecordSize, ioThreads, maxConnections, maxCallsInFlightPerConnection, idleTimeout,
                recordTimeout, writeStallTimeout, memoryBudget, connectionBudget, drcMaxEntries, drcMaxBytes,
                drcMaxAge, metricPrefix, DERIVED_MAX_SLABS);
    }

    /**
     * The number of slabs the server may keep: {@link #maxSlabs}, or when that is
     * {@value #DERIVED_MAX_SLABS}, as many as fill a third of the memory budget, at most
     * {@value #MAX_DERIVED_SLABS} (64 slabs of 1088 KiB for the default budget of a 512 MiB heap:
     * one per 1 MiB WRITE or READ of 4 connections with 16 calls in flight each; 40 for a 256 MiB
     * heap). Slabs in use hold data the budget counts; free ones are kept outside it, next to the
     * pooled allocator's free chunks, so this bounds what the pool adds to the budget.
     */
    public int slabs() {
        if (maxSlabs != DERIVED_MAX_SLABS) return maxSlabs;
        return (int) Math.min(MAX_DERIVED_SLABS, memoryBudget / 3 / SlabAllocator.slabSize(maxRecordSize));
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static void check(boolean ok, String field, String problem) {
        if (!ok) throw new IllegalArgumentException("rpc server " + field + ": " + problem);
    }

    /**
     * The default memory budget: half of the direct memory this JVM may allocate (what Netty's
     * buffers come from; by default as much as the maximum heap), but at least
     * {@value #MIN_DEFAULT_MEMORY_BUDGET} and at most {@value #MAX_DEFAULT_MEMORY_BUDGET} bytes.
     */
    public static long defaultMemoryBudget() {
        long half = PlatformDependent.maxDirectMemory() / 2;
        return Math.max(MIN_DEFAULT_MEMORY_BUDGET, Math.min(MAX_DEFAULT_MEMORY_BUDGET, half));
    }

    /** The defaults for the NFS/MOUNT server, listening on 127.0.0.1:2049. */
    public static RpcServerConfig defaults() {
        return new RpcServerConfig(InetAddress.getLoopbackAddress(), DEFAULT_PORT, DEFAULT_MAX_RECORD_SIZE,
                Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CALLS_IN_FLIGHT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_RECORD_TIMEOUT, DEFAULT_WRITE_STALL_TIMEOUT, defaultMemoryBudget(),
                DEFAULT_CONNECTION_BUDGET, DEFAULT_DRC_MAX_ENTRIES, DEFAULT_DRC_MAX_BYTES, DEFAULT_DRC_MAX_AGE,
                DEFAULT_METRIC_PREFIX);
    }

    /**
     * Defaults for the embedded portmapper's own server: 127.0.0.1:111, one I/O thread, small
     * records (8 KiB), 64 connections, a 2 MiB memory budget (256 KiB per connection), a small
     * cache, metrics under "rpc.portmap", no slabs. Port 111 must not be taken by a system rpcbind.
     */
    public static RpcServerConfig portmapDefaults() {
        return new RpcServerConfig(InetAddress.getLoopbackAddress(), 111, 8 * 1024, 1, 64, 16,
                Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(10), 2L * 1024 * 1024,
                256L * 1024, 64, 64 * 1024, DEFAULT_DRC_MAX_AGE, "rpc.portmap", 0);
    }

    public RpcServerConfig withBindAddress(InetAddress v) {
        return new RpcServerConfig(v, port, maxRecordSize, ioThreads, maxConnections, maxCallsInFlightPerConnection,
                idleTimeout, recordTimeout, writeStallTimeout, memoryBudget, connectionBudget, drcMaxEntries,
                drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withPort(int v) {
        return new RpcServerConfig(bindAddress, v, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, writeStallTimeout, memoryBudget,
                connectionBudget, drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withMaxRecordSize(int v) {
        return new RpcServerConfig(bindAddress, port, v, ioThreads, maxConnections, maxCallsInFlightPerConnection,
                idleTimeout, recordTimeout, writeStallTimeout, memoryBudget, connectionBudget, drcMaxEntries,
                drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withIoThreads(int v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, v, maxConnections, maxCallsInFlightPerConnection,
                idleTimeout, recordTimeout, writeStallTimeout, memoryBudget, connectionBudget, drcMaxEntries,
                drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withMaxConnections(int v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, v, maxCallsInFlightPerConnection,
                idleTimeout, recordTimeout, writeStallTimeout, memoryBudget, connectionBudget, drcMaxEntries,
                drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withMaxCallsInFlightPerConnection(int v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections, v, idleTimeout,
                recordTimeout, writeStallTimeout, memoryBudget, connectionBudget, drcMaxEntries, drcMaxBytes,
                drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withIdleTimeout(Duration v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, v, recordTimeout, writeStallTimeout, memoryBudget, connectionBudget,
                drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withRecordTimeout(Duration v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, v, writeStallTimeout, memoryBudget, connectionBudget,
                drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withWriteStallTimeout(Duration v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, v, memoryBudget, connectionBudget,
                drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withMemoryBudget(long v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, writeStallTimeout, v, connectionBudget,
                drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withConnectionBudget(long v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, writeStallTimeout, memoryBudget, v,
                drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withDrcMaxEntries(int v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, writeStallTimeout, memoryBudget,
                connectionBudget, v, drcMaxBytes, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withDrcMaxBytes(long v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, writeStallTimeout, memoryBudget,
                connectionBudget, drcMaxEntries, v, drcMaxAge, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withDrcMaxAge(Duration v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, writeStallTimeout, memoryBudget,
                connectionBudget, drcMaxEntries, drcMaxBytes, v, metricPrefix, maxSlabs);
    }

    public RpcServerConfig withMetricPrefix(String v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, writeStallTimeout, memoryBudget,
                connectionBudget, drcMaxEntries, drcMaxBytes, drcMaxAge, v, maxSlabs);
    }

    public RpcServerConfig withMaxSlabs(int v) {
        return new RpcServerConfig(bindAddress, port, maxRecordSize, ioThreads, maxConnections,
                maxCallsInFlightPerConnection, idleTimeout, recordTimeout, writeStallTimeout, memoryBudget,
                connectionBudget, drcMaxEntries, drcMaxBytes, drcMaxAge, metricPrefix, v);
    }
}
