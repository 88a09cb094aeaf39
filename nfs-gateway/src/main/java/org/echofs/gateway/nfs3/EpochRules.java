package org.echofs.gateway.nfs3;

import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.writebehind.WriteEpoch;

import java.util.concurrent.CompletionException;

/** When a failed update means unstable data may be lost, so clients must be told to resend. */
final class EpochRules {

    private EpochRules() { }

    /** Rotates the epoch when {@code failure} is an {@link FsError#IO} refusal. */
    static void rotateOnIo(WriteEpoch epoch, Throwable failure) {
        if (unwrap(failure) instanceof FsException fe && fe.error() == FsError.IO) {
            epoch.rotate();
        }
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** {@code failure} as an unchecked exception for a future chain, keeping its cause. */
    static CompletionException rethrow(Throwable failure) {
        return failure instanceof CompletionException ce ? ce : new CompletionException(failure);
    }
}
