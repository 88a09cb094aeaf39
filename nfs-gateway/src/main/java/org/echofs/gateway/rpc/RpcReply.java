package org.echofs.gateway.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.echofs.gateway.xdr.XdrDecoder;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One ONC RPC reply received by {@link RpcClient}: accepted (with an {@link AcceptStat}) or
 * denied (with a {@link RejectStat}, and the version range or {@link AuthStat}), and for SUCCESS
 * the results as an {@link XdrDecoder}.
 *
 * <p>The reply holds a network buffer: the receiver must {@link #close()} it (a
 * try-with-resources block is the usual way) once done with the results, or the buffer leaks.
 * Closing is idempotent; results may not be read after it. Not thread-safe: read it from one
 * thread at a time.
 */
public final class RpcReply implements AutoCloseable {

    private final ByteBuf record;
    private final int recordStart;
    private final int xid;
    private final AcceptStat acceptStat;
    private final RejectStat rejectStat;
    private final AuthStat authStat;
    private final int mismatchLow;
    private final int mismatchHigh;
    private final XdrDecoder results;
    private volatile int closed;

    private static final AtomicIntegerFieldUpdater<RpcReply> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(RpcReply.class, "closed");

    private RpcReply(ByteBuf record, int recordStart, int xid, AcceptStat acceptStat, RejectStat rejectStat, AuthStat authStat,
                     int mismatchLow, int mismatchHigh) {
        this.record = record;
        this.recordStart = recordStart;
        this.xid = xid;
        this.acceptStat = acceptStat;
        this.rejectStat = rejectStat;
        this.authStat = authStat;
        this.mismatchLow = mismatchLow;
        this.mismatchHigh = mismatchHigh;
        this.results = acceptStat == AcceptStat.SUCCESS ? new XdrDecoder(record) : null;
    }

    /**
     * Parses a reply record (without its record mark), taking ownership of the buffer on success.
     * On failure the caller still owns (and must release) it.
     */
    static RpcReply parse(ByteBuf record) throws IOException {
        int base = record.readerIndex();
        int n = record.readableBytes();
        if (n < 12) throw new IOException("reply of " + n + " bytes is too short");
        int xid = record.getInt(base);
        if (record.getInt(base + 4) != RpcWire.REPLY) throw new IOException("not a reply");
        int replyStat = record.getInt(base + 8);
        int p = base + 12;
        int end = base + n;
        if (replyStat == RpcWire.MSG_ACCEPTED) {
            if (end - p < 8) throw new IOException("reply verifier cut short");
            long verfLength = record.getUnsignedInt(p + 4);
            if (verfLength > RpcWire.MAX_AUTH_BYTES) throw new IOException("reply verifier of " + verfLength + " bytes");
            p += 8 + (int) ((verfLength + 3) & ~3L);
            if (end - p < 4) throw new IOException("reply accept_stat missing");
            int code = record.getInt(p);
            p += 4;
            AcceptStat stat = AcceptStat.ofCode(code);
            if (stat == null) throw new IOException("unknown accept_stat " + code);
            int low = 0;
            int high = 0;
            if (stat == AcceptStat.PROG_MISMATCH) {
                if (end - p < 8) throw new IOException("PROG_MISMATCH without a version range");
                low = record.getInt(p);
                high = record.getInt(p + 4);
                p += 8;
            }
            record.readerIndex(p);
            return new RpcReply(record, base, xid, stat, null, null, low, high);
        }
        if (replyStat == RpcWire.MSG_DENIED) {
            if (end - p < 4) throw new IOException("reject_stat missing");
            int code = record.getInt(p);
            p += 4;
            RejectStat stat = RejectStat.ofCode(code);
            if (stat == null) throw new IOException("unknown reject_stat " + code);
            if (stat == RejectStat.RPC_MISMATCH) {
                if (end - p < 8) throw new IOException("RPC_MISMATCH without a version range");
                int low = record.getInt(p);
                int high = record.getInt(p + 4);
                record.readerIndex(p + 8);
                return new RpcReply(record, base, xid, null, stat, null, low, high);
            }
            if (end - p < 4) throw new IOException("AUTH_ERROR without auth_stat");
            int authCode = record.getInt(p);
            AuthStat auth = null;
            for (AuthStat a : AuthStat.values()) {
                if (a.code() == authCode) auth = a;
            }
            if (auth == null) throw new IOException("unknown auth_stat " + authCode);
            record.readerIndex(p + 4);
            return new RpcReply(record, base, xid, null, stat, auth, 0, 0);
        }
        throw new IOException("unknown reply_stat " + replyStat);
    }

    public int xid() { return xid; }

    /** True for MSG_ACCEPTED (then {@link #acceptStat()} is set), false for MSG_DENIED. */
    public boolean isAccepted() { return acceptStat != null; }

    /** True for an accepted SUCCESS. */
    public boolean isSuccess() { return acceptStat == AcceptStat.SUCCESS; }

    /** The accept_stat, or null when denied. */
    public AcceptStat acceptStat() { return acceptStat; }

    /** The reject_stat, or null when accepted. */
    public RejectStat rejectStat() { return rejectStat; }

    /** The auth_stat of a denied AUTH_ERROR, otherwise null. */
    public AuthStat authStat() { return authStat; }

    /** The lowest version supported, for PROG_MISMATCH and RPC_MISMATCH (0 otherwise). */
    public int mismatchLow() { return mismatchLow; }

    /** The highest version supported, for PROG_MISMATCH and RPC_MISMATCH (0 otherwise). */
    public int mismatchHigh() { return mismatchHigh; }

    /**
     * The procedure's results of a SUCCESS reply, positioned at their first byte.
     *
     * @throws IllegalStateException if the reply is not SUCCESS or is closed
     */
    public XdrDecoder results() {
        if (results == null) throw new IllegalStateException("not a SUCCESS reply: " + this);
        if (closed != 0) throw new IllegalStateException("reply closed");
        return results;
    }

    /** A copy of the whole reply record (from the xid on, without the record mark). */
    public byte[] recordBytes() {
        if (closed != 0) throw new IllegalStateException("reply closed");
        return ByteBufUtil.getBytes(record, recordStart, record.writerIndex() - recordStart);
    }

    /** Releases the reply's buffer. Idempotent. */
    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            record.release();
        }
    }

    @Override
    public String toString() {
        if (acceptStat != null) {
            return "RpcReply[xid=" + xid + " " + acceptStat
                    + (acceptStat == AcceptStat.PROG_MISMATCH ? " " + mismatchLow + ".." + mismatchHigh : "") + "]";
        }
        return "RpcReply[xid=" + xid + " DENIED " + rejectStat
                + (rejectStat == RejectStat.RPC_MISMATCH ? " " + mismatchLow + ".." + mismatchHigh : " " + authStat) + "]";
    }
}
