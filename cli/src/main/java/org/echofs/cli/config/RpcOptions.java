package org.echofs.cli.config;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Section {@code rpc}: limits of the ONC RPC server that carries NFS and MOUNT.
 *
 * @param maxRecordSize     largest RPC record (all fragments together) accepted from a client; a
 *                          client announcing more is disconnected. Must leave room for a WRITE of
 *                          {@code nfs.wtmax} plus its header. Key {@code max-record-size}
 * @param maxConnections    most client connections at once. Key {@code max-connections}
 * @param memoryBudget      bytes the server holds for all clients together (partial records,
 *                          requests, replies reserved or not yet sent); empty = half of the JVM's
 *                          direct memory, between 16MiB and 1GiB, decided when the gateway starts.
 *                          At least twice {@code max-record-size}. Key {@code memory-budget}
 * @param connectionBudget  the same for one client connection; at least {@code max-record-size}.
 *                          Key {@code connection-budget}
 * @param writeStallTimeout a client that takes none of its waiting replies for this long is
 *                          disconnected. Key {@code write-stall-timeout}
 */
public record RpcOptions(long maxRecordSize, int maxConnections, OptionalLong memoryBudget, long connectionBudget,
                         Duration writeStallTimeout) {

    public static final long DEFAULT_MAX_RECORD_SIZE = ByteSize.MIB + 64 * ByteSize.KIB;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Room above {@code nfs.wtmax} for the RPC and WRITE headers. */
    public static final long HEADER_ROOM = 4 * ByteSize.KIB;
    public static final long MAX_RECORD_SIZE_LIMIT = 256 * ByteSize.MIB;
    public static final int MAX_CONNECTIONS_LIMIT = 65_536;
    /** Default {@code connection-budget} (or twice {@code max-record-size}, if that is more). */
    public static final long DEFAULT_CONNECTION_BUDGET = 16 * ByteSize.MIB;
    public static final long BUDGET_LIMIT = ByteSize.TIB;
    public static final Duration DEFAULT_WRITE_STALL_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MIN_WRITE_STALL_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration MAX_WRITE_STALL_TIMEOUT = Duration.ofHours(1);

    public static final RpcOptions DEFAULTS = new RpcOptions(DEFAULT_MAX_RECORD_SIZE, DEFAULT_MAX_CONNECTIONS,
            OptionalLong.empty(), DEFAULT_CONNECTION_BUDGET, DEFAULT_WRITE_STALL_TIMEOUT);

    public RpcOptions {
        Objects.requireNonNull(memoryBudget, "memoryBudget");
        Objects.requireNonNull(writeStallTimeout, "writeStallTimeout");
    }

    /** The default {@code connection-budget} for records of up to {@code maxRecordSize} bytes. */
    public static long defaultConnectionBudget(long maxRecordSize) {
        return Math.max(DEFAULT_CONNECTION_BUDGET, 2 * maxRecordSize);
    }
}
