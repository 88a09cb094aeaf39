package org.echofs.gateway.xdr;

/** Something that writes itself as XDR: a reply body, an argument list. */
@FunctionalInterface
public interface XdrWritable {

    XdrWritable VOID = enc -> { };

    void write(XdrEncoder enc);
}
