package org.echofs.gateway.rpc;

/**
 * One ONC RPC program (for example NFS 100003 or MOUNT 100005), served over a range of versions.
 * The server answers PROG_UNAVAIL for a program it does not know, PROG_MISMATCH with
 * [{@link #lowVersion()}, {@link #highVersion()}] for a version outside the range, and
 * PROC_UNAVAIL for a procedure {@link #hasProcedure} denies; everything else reaches
 * {@link #dispatch}.
 */
public interface RpcProgram {

    int program();

    int lowVersion();

    int highVersion();

    boolean hasProcedure(int version, int procedure);

    /**
     * True for procedures whose retransmission must get the first answer, not run again
     * (CREATE, REMOVE, RENAME, ...). The server's duplicate-request cache keeps their replies.
     */
    boolean isNonIdempotent(int version, int procedure);

    /** A short name for logs and metrics, for example "GETATTR". */
    String procedureName(int version, int procedure);

    /**
     * Handles a call. Called on the connection's I/O thread: must not block. A procedure that
     * needs to block (storage, disk) hands the call to an executor and replies from there.
     * Exceptions thrown here are answered with SYSTEM_ERR.
     */
    void dispatch(RpcCall call);
}
