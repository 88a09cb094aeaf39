package org.echofs.storage;

/** A failure of the metadata database, unchecked so that it crosses the engine's helpers. */
final class MetaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    MetaException(String message, Throwable cause) {
        super(message, cause);
    }
}
