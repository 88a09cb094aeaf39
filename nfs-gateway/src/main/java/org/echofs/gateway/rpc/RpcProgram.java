package org.echofs.gateway.rpc;

import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

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

    /** What {@link #replyReservation} answers unless a program knows better. */
    int DEFAULT_REPLY_RESERVATION = 1024;

    /**
     * How many bytes the results of this call may take on the wire (without the RPC reply
     * header, which the server adds), so that the server can reserve them in its memory budget
     * before it dispatches the call: a call whose reservation does not fit waits, without any
     * thread blocking, until replies of other calls have been written. A guess that is too small
     * is corrected once the reply exists (the excess is counted then, not refused); one that is
     * too large only makes calls wait sooner. Procedures whose results grow with an argument
     * (READ's count, READDIR's count) should read it here.
     *
     * <p>Called on the connection's I/O thread before {@link #dispatch}, only for procedures
     * {@link #hasProcedure} accepts: must be quick and must not block. {@code args} is positioned
     * at the arguments; the server rewinds it afterwards, so reading it here consumes nothing.
     * Arguments that do not decode should get a small answer (their reply is GARBAGE_ARGS).
     *
     * @throws XdrException if the arguments are cut short (treated as the default reservation)
     */
    default int replyReservation(int version, int procedure, XdrDecoder args) throws XdrException {
        return DEFAULT_REPLY_RESERVATION;
    }

    /**
     * Handles a call. Called on the connection's I/O thread: must not block. A procedure that
     * needs to block (storage, disk) hands the call to an executor and replies from there.
     * Exceptions thrown here are answered with SYSTEM_ERR.
     */
    void dispatch(RpcCall call);
}
