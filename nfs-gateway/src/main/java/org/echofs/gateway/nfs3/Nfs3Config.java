package org.echofs.gateway.nfs3;

/**
 * Tunables of the NFSv3 program, reported to clients by FSINFO.
 *
 * @param readMax      rtmax and rtpref: the largest READ (and the READDIR/READDIRPLUS reply cap);
 *                     default 1 MiB
 * @param writeMax     wtmax and wtpref: the largest WRITE; longer ones are cut to this (as Linux
 *                     nfsd does); default 1 MiB. The RPC layer's record limit must leave room for it.
 * @param dirPreferred dtpref: the preferred READDIR size; default 64 KiB
 */
public record Nfs3Config(int readMax, int writeMax, int dirPreferred) {

    /** rtmult and wtmult. */
    public static final int BLOCK = 4096;

    public static final Nfs3Config DEFAULTS = new Nfs3Config(1 << 20, 1 << 20, 64 << 10);

    public Nfs3Config {
        check("readMax", readMax);
        check("writeMax", writeMax);
        check("dirPreferred", dirPreferred);
    }

    private static void check(String name, int v) {
        if (v < BLOCK || v % BLOCK != 0 || v > (64 << 20)) {
            throw new IllegalArgumentException(name + " must be a multiple of " + BLOCK + " in 4 KiB..64 MiB: " + v);
        }
    }
}
