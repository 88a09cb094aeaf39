package org.echofs.gateway.xdr;

/** Something that writes itself as XDR: a reply body, an argument list. */
@FunctionalInterface
public interface XdrWritable {

    XdrWritable VOID = enc -> { };

    void write(XdrEncoder enc);

    /**
     * Roughly how many bytes {@link #write} produces, or 0 if unknown. Only a hint for sizing the
     * output buffer up front (worth giving for large bodies such as READ data); never a limit.
     */
    default int sizeHint() { return 0; }

    /**
     * Called instead of (or after a failed) {@link #write} when the body will not be sent: releases
     * the buffers it owns that {@link #write} would have handed to the encoder. Must be safe to call
     * after {@link #write} and more than once (a body hands each buffer over or releases it, once).
     */
    default void discard() { }
}
