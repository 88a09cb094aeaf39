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
}
