package org.echofs.gateway.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrWritable;

import java.nio.charset.StandardCharsets;

/** ONC RPC (RFC 5531) wire constants and the encoders shared by the server and the client. */
final class RpcWire {

    static final int RPC_VERSION = 2;
    static final int CALL = 0;
    static final int REPLY = 1;
    static final int MSG_ACCEPTED = 0;
    static final int MSG_DENIED = 1;
    /** Largest credential or verifier body (RFC 5531 MAX_AUTH_BYTES). */
    static final int MAX_AUTH_BYTES = 400;
    static final int MAX_MACHINE_NAME = 255;
    static final int MAX_GIDS = 16;
    static final int LAST_FRAGMENT = 0x80000000;

    /** Bytes of an accepted reply up to and including accept_stat, with the record mark. */
    static final int ACCEPTED_HEADER = 4 + 24;

    private RpcWire() { }

    private static ByteBuf acceptedHeader(ByteBufAllocator alloc, int xid, AcceptStat stat, int extra) {
        ByteBuf buf = alloc.ioBuffer(ACCEPTED_HEADER + extra);
        buf.writeInt(0); // record mark, set by finish()
        buf.writeInt(xid);
        buf.writeInt(REPLY);
        buf.writeInt(MSG_ACCEPTED);
        buf.writeInt(Credential.AUTH_NONE); // verifier
        buf.writeInt(0);
        buf.writeInt(stat.code());
        return buf;
    }

    /** Sets the record mark of a reply built by this class: one last fragment. */
    static ByteBuf finish(ByteBuf buf) {
        buf.setInt(buf.readerIndex(), LAST_FRAGMENT | (buf.readableBytes() - 4));
        return buf;
    }

    /**
     * An accepted SUCCESS reply with {@code body}: one buffer, or a composite when the body
     * appends buffers of its own ({@link XdrEncoder#appendOpaque}, no copy). If the body throws,
     * everything is released (the body's own buffers by {@link XdrWritable#discard}) and the
     * exception propagates.
     */
    static ByteBuf success(ByteBufAllocator alloc, int xid, XdrWritable body) {
        ByteBuf buf;
        try {
            int hint = body.sizeHint();
            buf = acceptedHeader(alloc, xid, AcceptStat.SUCCESS, hint > 0 ? hint : 128);
        } catch (RuntimeException | Error e) {
            body.discard();
            throw e;
        }
        XdrEncoder enc = XdrEncoder.gathering(buf);
        try {
            body.write(enc);
            return finish(enc.finish());
        } catch (RuntimeException | Error e) {
            enc.discard();
            body.discard();
            throw e;
        }
    }

    /** An accepted reply without results: PROG_UNAVAIL, PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR. */
    static ByteBuf accepted(ByteBufAllocator alloc, int xid, AcceptStat stat) {
        return finish(acceptedHeader(alloc, xid, stat, 0));
    }

    static ByteBuf progMismatch(ByteBufAllocator alloc, int xid, int low, int high) {
        ByteBuf buf = acceptedHeader(alloc, xid, AcceptStat.PROG_MISMATCH, 8);
        buf.writeInt(low);
        buf.writeInt(high);
        return finish(buf);
    }

    private static ByteBuf deniedHeader(ByteBufAllocator alloc, int xid, RejectStat stat) {
        ByteBuf buf = alloc.ioBuffer(28);
        buf.writeInt(0);
        buf.writeInt(xid);
        buf.writeInt(REPLY);
        buf.writeInt(MSG_DENIED);
        buf.writeInt(stat.code());
        return buf;
    }

    static ByteBuf rpcMismatch(ByteBufAllocator alloc, int xid) {
        ByteBuf buf = deniedHeader(alloc, xid, RejectStat.RPC_MISMATCH);
        buf.writeInt(RPC_VERSION);
        buf.writeInt(RPC_VERSION);
        return finish(buf);
    }

    static ByteBuf authError(ByteBufAllocator alloc, int xid, AuthStat stat) {
        ByteBuf buf = deniedHeader(alloc, xid, RejectStat.AUTH_ERROR);
        buf.writeInt(stat.code());
        return finish(buf);
    }

    /** The credential as it goes on the wire: flavor, body length, body. */
    static byte[] encodeCredential(Credential cred) {
        if (cred instanceof Credential.Sys sys) {
            byte[] name = sys.machineName().getBytes(StandardCharsets.UTF_8);
            int[] gids = sys.gids();
            int padded = (name.length + 3) & ~3;
            int bodyLength = 4 + 4 + padded + 4 + 4 + 4 + 4 * gids.length;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + bodyLength);
            b.putInt(Credential.AUTH_SYS).putInt(bodyLength);
            b.putInt(sys.stamp()).putInt(name.length).put(name);
            b.position(b.position() + padded - name.length);
            b.putInt(sys.uid()).putInt(sys.gid()).putInt(gids.length);
            for (int g : gids) b.putInt(g);
            return b.array();
        }
        return new byte[8]; // AUTH_NONE, empty body
    }

    /**
     * Writes the record mark placeholder and a call header with an AUTH_NONE verifier; the
     * caller appends the arguments and calls {@link #finish}.
     */
    static void writeCallHeader(ByteBuf buf, int xid, int prog, int vers, int proc, byte[] credential) {
        buf.writeInt(0);
        buf.writeInt(xid);
        buf.writeInt(CALL);
        buf.writeInt(RPC_VERSION);
        buf.writeInt(prog);
        buf.writeInt(vers);
        buf.writeInt(proc);
        buf.writeBytes(credential);
        buf.writeLong(0L); // verifier: AUTH_NONE, empty
    }
}
