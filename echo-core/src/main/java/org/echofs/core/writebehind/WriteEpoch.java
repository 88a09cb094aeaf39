package org.echofs.core.writebehind;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The single owner of the NFS write verifier. WRITE and COMMIT replies read it from here; it
 * changes on every path where data acknowledged as UNSTABLE may have been lost (a restart, a
 * failed sync), which tells NFS clients to send such data again. The first value comes from the
 * composition root (different on every start); {@link #rotate()} moves to a new one.
 */
public final class WriteEpoch {

    private final AtomicLong verifier;

    public WriteEpoch(long initial) {
        this.verifier = new AtomicLong(initial);
    }

    /** The verifier to put in WRITE and COMMIT replies now. */
    public long current() {
        return verifier.get();
    }

    /** Moves to a new verifier, different from every earlier one of this epoch, and returns it. */
    public long rotate() {
        return verifier.incrementAndGet();
    }
}
