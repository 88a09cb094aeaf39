package org.echofs.gateway.xdr;

/** Arguments that do not decode as XDR: short, over a limit, or with a bad value. GARBAGE_ARGS. */
public class XdrException extends Exception {

    private static final long serialVersionUID = 1L;

    public XdrException(String message) {
        super(message, null, false, false);
    }
}
