package org.echofs.gateway.rpc;

/** Why an ONC RPC call was denied (RFC 5531 {@code reject_stat}). */
public enum RejectStat {
    /** The RPC version was not 2; the reply carries the supported range. */
    RPC_MISMATCH(0),
    /** The credential or verifier was refused; the reply carries an {@link AuthStat}. */
    AUTH_ERROR(1);

    private final int code;

    RejectStat(int code) { this.code = code; }

    public int code() { return code; }

    /** The status for a wire code, or null if the code is not one RFC 5531 defines. */
    public static RejectStat ofCode(int code) {
        return code == 0 ? RPC_MISMATCH : code == 1 ? AUTH_ERROR : null;
    }
}
