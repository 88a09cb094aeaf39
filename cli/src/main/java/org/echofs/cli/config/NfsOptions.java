package org.echofs.cli.config;

/**
 * Section {@code nfs}: the NFSv3 service.
 *
 * @param port  TCP port of NFS v3 and MOUNT v3 (they share it); 0 = ephemeral. Key {@code port}
 * @param rtmax largest READ the server offers clients (FSINFO rtmax and rtpref). Key {@code rtmax}
 * @param wtmax largest WRITE the server accepts (FSINFO wtmax and wtpref). Key {@code wtmax}
 */
public record NfsOptions(int port, long rtmax, long wtmax) {

    public static final int DEFAULT_PORT = 2049;
    public static final long DEFAULT_RTMAX = ByteSize.MIB;
    public static final long DEFAULT_WTMAX = ByteSize.MIB;
    /** Smallest and largest rtmax/wtmax accepted. */
    public static final long MIN_TRANSFER = 4 * ByteSize.KIB;
    public static final long MAX_TRANSFER = 16 * ByteSize.MIB;

    public static final NfsOptions DEFAULTS = new NfsOptions(DEFAULT_PORT, DEFAULT_RTMAX, DEFAULT_WTMAX);

    public NfsOptions withPort(int newPort) {
        return new NfsOptions(newPort, rtmax, wtmax);
    }
}
