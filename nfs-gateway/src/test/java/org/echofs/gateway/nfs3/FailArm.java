package org.echofs.gateway.nfs3;

import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Reads the failure arm of any procedure's reply (RFC 1813 resfail structures). For tests. */
final class FailArm {

    private FailArm() { }

    /**
     * Reads the failure arm after the status and returns its post-op attributes in order
     * (null where absent). Asserts that pre-op attributes are absent and nothing follows.
     */
    static List<Replies.Fattr> read(Nfs3Proc p, XdrDecoder r) throws XdrException {
        List<Replies.Fattr> out = new ArrayList<>();
        switch (p) {
            case GETATTR -> { }
            case SETATTR, WRITE, COMMIT, CREATE, MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR -> out.add(wcc(r));
            case RENAME -> {
                out.add(wcc(r));
                out.add(wcc(r));
            }
            case LINK -> {
                out.add(Replies.postOpAttr(r));
                out.add(wcc(r));
            }
            default -> out.add(Replies.postOpAttr(r));
        }
        assertEquals(0, r.remaining(), p + ": bytes after the failure arm");
        return out;
    }

    private static Replies.Fattr wcc(XdrDecoder r) throws XdrException {
        Replies.WccData w = Replies.wcc(r);
        assertNull(w.before(), "pre-op attributes are unknown on failure");
        return w.after();
    }

    /** {@code args} with every XDR-encoded occurrence of handle {@code from} replaced by {@code to}. */
    static byte[] replaceHandle(byte[] args, byte[] from, byte[] to) {
        byte[] a = FakeCall.xdr(e -> e.writeOpaque(from));
        byte[] b = FakeCall.xdr(e -> e.writeOpaque(to));
        List<Byte> out = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            if (i + a.length <= args.length && Arrays.equals(args, i, i + a.length, a, 0, a.length)) {
                for (byte x : b) out.add(x);
                i += a.length;
            } else {
                out.add(args[i++]);
            }
        }
        byte[] result = new byte[out.size()];
        for (int k = 0; k < result.length; k++) result[k] = out.get(k);
        return result;
    }
}
