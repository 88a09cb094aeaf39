package org.echofs.gateway.rpc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Hand-built ONC RPC bytes for tests, including wrong ones. */
final class RawCall {

    private RawCall() { }

    static final class Xdr {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Xdr i(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Xdr bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Xdr opaque(byte[] b) {
            i(b.length);
            bytes(b);
            for (int p = b.length; (p & 3) != 0; p++) out.write(0);
            return this;
        }

        byte[] get() { return out.toByteArray(); }
    }

    static Xdr xdr() { return new Xdr(); }

    /** flavor, length, body (padded). */
    static byte[] auth(int flavor, byte[] body) {
        return xdr().i(flavor).opaque(body).get();
    }

    static byte[] authNone() {
        return auth(Credential.AUTH_NONE, new byte[0]);
    }

    static byte[] authSysBody(int stamp, byte[] machine, int uid, int gid, int[] gids) {
        Xdr x = xdr().i(stamp).opaque(machine).i(uid).i(gid).i(gids.length);
        for (int g : gids) x.i(g);
        return x.get();
    }

    static byte[] authSys(int stamp, String machine, int uid, int gid, int... gids) {
        return auth(Credential.AUTH_SYS, authSysBody(stamp, machine.getBytes(StandardCharsets.UTF_8), uid, gid, gids));
    }

    /** A call message (no record mark). */
    static byte[] call(int xid, int rpcvers, int prog, int vers, int proc, byte[] cred, byte[] verf, byte[] args) {
        return xdr().i(xid).i(0).i(rpcvers).i(prog).i(vers).i(proc).bytes(cred).bytes(verf).bytes(args).get();
    }

    static byte[] call(int xid, int prog, int vers, int proc, byte[] args) {
        return call(xid, 2, prog, vers, proc, authNone(), authNone(), args);
    }

    /** One last fragment holding {@code body}. */
    static byte[] record(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(0x80000000 | body.length).put(body).array();
    }

    /** {@code body} cut into fragments of the given sizes, which must add up to its length. */
    static byte[] fragments(byte[] body, int... sizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        for (int i = 0; i < sizes.length; i++) {
            boolean last = i == sizes.length - 1;
            out.writeBytes(ByteBuffer.allocate(4).putInt((last ? 0x80000000 : 0) | sizes[i]).array());
            out.write(body, pos, sizes[i]);
            pos += sizes[i];
        }
        if (pos != body.length) throw new IllegalArgumentException("sizes add up to " + pos + ", not " + body.length);
        return out.toByteArray();
    }
}
