package org.echofs.core.fs;

/** A failed file system operation, carrying the NFS-shaped reason. */
public class FsException extends Exception {

    private static final long serialVersionUID = 1L;

    private final FsError error;

    public FsException(FsError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public FsException(FsError error, String message, Throwable cause) {
        super(message, cause, false, true);
        this.error = error;
    }

    public FsError error() { return error; }

    @Override public String toString() { return "FsException[" + error + "]: " + getMessage(); }
}
