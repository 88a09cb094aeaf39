package org.echofs.gateway.nfs3;

import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrWritable;

/**
 * A procedure's result: the status word and the rest of the union arm. Holds only captured
 * values, so it can be written on any thread at any time.
 */
record Nfs3Reply(NfsStat3 status, XdrWritable rest) implements XdrWritable {

    static Nfs3Reply ok(XdrWritable rest) {
        return new Nfs3Reply(NfsStat3.NFS3_OK, rest);
    }

    @Override
    public void write(XdrEncoder enc) {
        enc.writeInt(status.code());
        rest.write(enc);
    }

    @Override
    public void discard() {
        rest.discard();
    }

    @Override
    public int sizeHint() {
        int hint = rest.sizeHint();
        return hint > 0 ? 4 + hint : 0;
    }
}
