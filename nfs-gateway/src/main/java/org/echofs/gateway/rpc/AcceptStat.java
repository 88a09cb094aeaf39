package org.echofs.gateway.rpc;

/** The status of an accepted ONC RPC reply (RFC 5531 {@code accept_stat}). */
public enum AcceptStat {
    SUCCESS(0), PROG_UNAVAIL(1), PROG_MISMATCH(2), PROC_UNAVAIL(3), GARBAGE_ARGS(4), SYSTEM_ERR(5);

    private final int code;

    AcceptStat(int code) { this.code = code; }

    public int code() { return code; }

    /** The status for a wire code, or null if the code is not one RFC 5531 defines. */
    public static AcceptStat ofCode(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }

    private static final AcceptStat[] VALUES = values();
}
