package org.echofs.cli.node;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A blocking ONC RPC NULL call over TCP (RFC 5531, record marking), enough to ask "does an NFS
 * server answer on this port?" without the gateway's own RPC code: one connection, one call with
 * AUTH_NONE, one reply whose xid and accept status are checked. Used by {@code echofs up} to wait
 * for the gateway. Thread-safe (no shared state); every failure to get a well-formed reply is an
 * {@link IOException} saying why.
 */
public final class RpcPing {

    public static final int NFS_PROGRAM = 100003;
    public static final int NFS_VERSION = 3;
    private static final int CALL = 0;
    private static final int REPLY = 1;
    private static final int RPC_VERSION = 2;
    private static final int MAX_REPLY = 64 * 1024;

    /** The outcome of a call that got a reply. */
    public enum Status {
        SUCCESS, PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR, DENIED
    }

    /** A reply: its status and a line describing it. */
    public record Answer(Status status, String detail) {
        public boolean ok() {
            return status == Status.SUCCESS;
        }
    }

    private final Duration timeout;

    /** @param timeout bounds the connect and each read */
    public RpcPing(Duration timeout) {
        this.timeout = timeout;
    }

    /** Calls procedure 0 of NFS v3 at {@code address}. */
    public Answer pingNfs(InetSocketAddress address) throws IOException {
        return nullCall(address, NFS_PROGRAM, NFS_VERSION);
    }

    /** Calls procedure 0 (NULL) of {@code program} {@code version} at {@code address}. */
    public Answer nullCall(InetSocketAddress address, int program, int version) throws IOException {
        int xid = ThreadLocalRandom.current().nextInt();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(address, millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(call(xid, program, version));
            out.flush();
            ByteBuffer reply = readRecord(new DataInputStream(socket.getInputStream()));
            return decode(reply, xid);
        } catch (SocketTimeoutException e) {
            throw new IOException("no reply from " + describe(address) + " within " + timeout.toMillis() + " ms", e);
        }
    }

    private static String describe(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    static byte[] call(int xid, int program, int version) {
        ByteBuffer b = ByteBuffer.allocate(4 + 40);
        b.putInt(0x80000000 | 40);
        b.putInt(xid).putInt(CALL).putInt(RPC_VERSION).putInt(program).putInt(version).putInt(0);
        b.putInt(0).putInt(0); // credential: AUTH_NONE, empty body
        b.putInt(0).putInt(0); // verifier: AUTH_NONE, empty body
        return b.array();
    }

    private static ByteBuffer readRecord(DataInputStream in) throws IOException {
        ByteBuffer record = ByteBuffer.allocate(MAX_REPLY);
        boolean last = false;
        try {
            while (!last) {
                int mark = in.readInt();
                last = (mark & 0x80000000) != 0;
                int length = mark & 0x7fffffff;
                if (length > record.remaining()) {
                    throw new IOException("reply record larger than " + MAX_REPLY + " bytes");
                }
                in.readFully(record.array(), record.position(), length);
                record.position(record.position() + length);
            }
        } catch (EOFException e) {
            throw new IOException("connection closed before a complete reply", e);
        }
        record.flip();
        return record;
    }

    static Answer decode(ByteBuffer r, int xid) throws IOException {
        try {
            int replyXid = r.getInt();
            if (replyXid != xid) {
                throw new IOException("reply xid " + replyXid + " does not match call xid " + xid);
            }
            int type = r.getInt();
            if (type != REPLY) {
                throw new IOException("not an RPC reply (message type " + type + ")");
            }
            int replyStat = r.getInt();
            if (replyStat == 1) {
                int reject = r.getInt();
                return new Answer(Status.DENIED, reject == 0 ? "call denied: RPC_MISMATCH" : "call denied: AUTH_ERROR");
            }
            if (replyStat != 0) {
                throw new IOException("bad reply status " + replyStat);
            }
            r.getInt(); // verifier flavor
            int verifierLength = r.getInt();
            if (verifierLength < 0 || verifierLength > 400) {
                throw new IOException("bad verifier length " + verifierLength);
            }
            r.position(r.position() + ((verifierLength + 3) & ~3));
            int accept = r.getInt();
            return switch (accept) {
                case 0 -> new Answer(Status.SUCCESS, "NULL answered");
                case 1 -> new Answer(Status.PROG_UNAVAIL, "program unavailable (not an NFS server?)");
                case 2 -> new Answer(Status.PROG_MISMATCH, "program version mismatch (server offers versions "
                        + r.getInt() + " to " + r.getInt() + ")");
                case 3 -> new Answer(Status.PROC_UNAVAIL, "procedure unavailable");
                case 4 -> new Answer(Status.GARBAGE_ARGS, "garbage arguments");
                case 5 -> new Answer(Status.SYSTEM_ERR, "system error");
                default -> throw new IOException("bad accept status " + accept);
            };
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException("reply too short", e);
        }
    }
}
