package org.echofs.gateway.nfs3;

import org.echofs.core.fs.FsException;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/**
 * One NFSv3 procedure: how its arguments decode, what it does, and what its failure reply looks
 * like. {@link Nfs3Program} does the rest (threads, exceptions, metrics, replying) once for all.
 *
 * @param <A> the decoded arguments
 */
abstract class Handler<A> {

    private final Nfs3Proc proc;

    Handler(Nfs3Proc proc) {
        this.proc = proc;
    }

    Nfs3Proc proc() { return proc; }

    /**
     * Decodes the arguments. Runs on the I/O thread: must not block. Throws for bytes that are
     * not the procedure's XDR (GARBAGE_ARGS); values that decode but are wrong (a bad name) are
     * judged later, by {@link #handle}, so that they get an NFS status.
     */
    abstract A decode(XdrDecoder in) throws XdrException;

    /**
     * Does the work on a worker thread. Returns the reply, or a future of it for updates (which
     * complete when the volume says so). Throws, or completes exceptionally with, an
     * {@link FsException} for a refusal; {@link #failure} then builds the reply.
     */
    abstract CompletableFuture<Nfs3Reply> handle(Nfs3Request req, A args) throws FsException;

    /**
     * The reply for a refusal with {@code status}: the resfail arm, with post-operation
     * attributes from {@link Nfs3Request#postOp} where the arm has them. Runs on a worker thread.
     */
    abstract Nfs3Reply failure(Nfs3Request req, A args, NfsStat3 status);

    static CompletableFuture<Nfs3Reply> done(Nfs3Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
