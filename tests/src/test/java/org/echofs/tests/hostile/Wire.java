package org.echofs.tests.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * ONC RPC (RFC 5531) call messages built byte by byte, so that any field can be wrong, and a small
 * reply parser. Written independently of the server's code on purpose: the hostile test must not
 * share the server's idea of the format. Stateless apart from {@link Xdr} builders (one per message).
 */
final class Wire {

    static final int CALL = 0, REPLY = 1;
    static final int AUTH_NONE = 0, AUTH_SYS = 1;
    static final int LAST_FRAGMENT = 0x80000000;

    private Wire() {
    }

    /** Appends XDR items to a growing byte array. */
    static final class Xdr {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Xdr u32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Xdr u64(long v) {
            return u32((int) (v >>> 32)).u32((int) v);
        }

        /** Bytes as they are, then zero padding to a multiple of 4. */
        Xdr fixed(byte[] b) {
            out.write(b, 0, b.length);
            for (int i = b.length; (i & 3) != 0; i++) out.write(0);
            return this;
        }

        /** Variable-length opaque: length, bytes, padding. */
        Xdr opaque(byte[] b) {
            return u32(b.length).fixed(b);
        }

        Xdr string(String s) {
            return opaque(s.getBytes(StandardCharsets.UTF_8));
        }

        /** Raw bytes without padding. */
        Xdr raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** An opaque_auth: flavor, body length, body (padded). */
    static byte[] auth(int flavor, byte[] body) {
        return new Xdr().u32(flavor).opaque(body).bytes();
    }

    static final byte[] NONE = auth(AUTH_NONE, new byte[0]);

    /** The body of an AUTH_SYS credential. */
    static byte[] sysBody(int stamp, byte[] machine, int uid, int gid, int[] gids) {
        Xdr x = new Xdr().u32(stamp).opaque(machine).u32(uid).u32(gid).u32(gids.length);
        for (int g : gids) x.u32(g);
        return x.bytes();
    }

    /** AUTH_SYS root from "hostile". */
    static final byte[] ROOT = auth(AUTH_SYS, sysBody(1, "hostile".getBytes(StandardCharsets.UTF_8), 0, 0, new int[0]));

    /** A call message (no record mark): header, credential and verifier as given (encoded opaque_auths), args. */
    static byte[] call(int xid, int rpcvers, int prog, int vers, int proc, byte[] cred, byte[] verf, byte[] args) {
        return new Xdr().u32(xid).u32(CALL).u32(rpcvers).u32(prog).u32(vers).u32(proc)
                .raw(cred).raw(verf).raw(args).bytes();
    }

    /** A well-formed call with AUTH_SYS root and an AUTH_NONE verifier. */
    static byte[] call(int xid, int prog, int vers, int proc, byte[] args) {
        return call(xid, 2, prog, vers, proc, ROOT, NONE, args);
    }

    /** A record mark for a fragment of {@code length} bytes. */
    static byte[] mark(int length, boolean last) {
        return ByteBuffer.allocate(4).putInt(last ? length | LAST_FRAGMENT : length).array();
    }

    /** {@code record} as one last fragment. */
    static byte[] frame(byte[] record) {
        byte[] out = Arrays.copyOf(mark(record.length, true), 4 + record.length);
        System.arraycopy(record, 0, out, 4, record.length);
        return out;
    }

    /** The status of a parsed reply; for AUTH_ERROR the auth_stat is part of the name. */
    enum Status {
        SUCCESS, PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR,
        RPC_MISMATCH, AUTH_BADCRED, AUTH_REJECTEDCRED, AUTH_BADVERF, AUTH_OTHER, MALFORMED
    }

    /**
     * A reply: xid, status, the version range (PROG_MISMATCH, RPC_MISMATCH), the results of a SUCCESS
     * (from their first byte), and for SUCCESS the first result word (the nfsstat3/mountstat3 of most
     * procedures; 0 when there are no results).
     */
    record Reply(int xid, Status status, int low, int high, byte[] results) {
        int firstWord() {
            return results.length >= 4 ? ByteBuffer.wrap(results).getInt() : 0;
        }

        @Override
        public String toString() {
            return "reply xid " + xid + " " + status + (status == Status.SUCCESS ? " word0=" + firstWord() : "")
                    + (low != 0 || high != 0 ? " " + low + ".." + high : "");
        }
    }

    /** Parses a reply record; MALFORMED for anything this parser does not understand. */
    static Reply parse(byte[] rec) {
        ByteBuffer b = ByteBuffer.wrap(rec);
        if (rec.length < 12) return new Reply(-1, Status.MALFORMED, 0, 0, new byte[0]);
        int xid = b.getInt();
        if (b.getInt() != REPLY) return new Reply(xid, Status.MALFORMED, 0, 0, new byte[0]);
        int replyStat = b.getInt();
        try {
            if (replyStat == 0) {
                b.getInt(); // verifier flavor
                int len = b.getInt();
                b.position(b.position() + ((len + 3) & ~3));
                int accept = b.getInt();
                Status s = switch (accept) {
                    case 0 -> Status.SUCCESS;
                    case 1 -> Status.PROG_UNAVAIL;
                    case 2 -> Status.PROG_MISMATCH;
                    case 3 -> Status.PROC_UNAVAIL;
                    case 4 -> Status.GARBAGE_ARGS;
                    case 5 -> Status.SYSTEM_ERR;
                    default -> Status.MALFORMED;
                };
                int low = 0, high = 0;
                if (s == Status.PROG_MISMATCH) {
                    low = b.getInt();
                    high = b.getInt();
                }
                byte[] results = s == Status.SUCCESS ? Arrays.copyOfRange(rec, b.position(), rec.length) : new byte[0];
                return new Reply(xid, s, low, high, results);
            }
            if (replyStat == 1) {
                int reject = b.getInt();
                if (reject == 0) {
                    return new Reply(xid, Status.RPC_MISMATCH, b.getInt(), b.getInt(), new byte[0]);
                }
                if (reject == 1) {
                    Status s = switch (b.getInt()) {
                        case 1 -> Status.AUTH_BADCRED;
                        case 2 -> Status.AUTH_REJECTEDCRED;
                        case 3 -> Status.AUTH_BADVERF;
                        default -> Status.AUTH_OTHER;
                    };
                    return new Reply(xid, s, 0, 0, new byte[0]);
                }
            }
        } catch (RuntimeException e) {
            // cut short: fall through
        }
        return new Reply(xid, Status.MALFORMED, 0, 0, new byte[0]);
    }
}
