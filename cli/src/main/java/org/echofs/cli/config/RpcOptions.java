package org.echofs.cli.config;

/**
 * Section {@code rpc}: limits of the ONC RPC server that carries NFS and MOUNT.
 *
 * @param maxRecordSize  largest RPC record (all fragments together) accepted from a client; a
 *                       client announcing more is disconnected. Must leave room for a WRITE of
 *                       {@code nfs.wtmax} plus its header. Key {@code max-record-size}
 * @param maxConnections most client connections at once. Key {@code max-connections}
 */
public record RpcOptions(long maxRecordSize, int maxConnections) {

    public static final long DEFAULT_MAX_RECORD_SIZE = ByteSize.MIB + 64 * ByteSize.KIB;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Room above {@code nfs.wtmax} for the RPC and WRITE headers. */
    public static final long HEADER_ROOM = 4 * ByteSize.KIB;
    public static final long MAX_RECORD_SIZE_LIMIT = 256 * ByteSize.MIB;
    public static final int MAX_CONNECTIONS_LIMIT = 65_536;

    public static final RpcOptions DEFAULTS = new RpcOptions(DEFAULT_MAX_RECORD_SIZE, DEFAULT_MAX_CONNECTIONS);
}
