package org.echofs.tests.hostile;

import org.echofs.gateway.rpc.RpcClient;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;
import org.echofs.tests.process.RawNfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A well-behaved NFS client on one connection, for the hostile run: NULL, GETATTR of the export
 * root, a 4 KiB FILE_SYNC WRITE and the READ of it back, over and over; every call is timed and its
 * answer checked. Also the small CREATE/WRITE helpers the run's setup needs. One thread runs
 * {@link #runUntil}; the counters may be read from any thread afterwards.
 */
final class GoodClient {

    static final int BLOCK = 4096;

    private final RpcClient client;
    private final byte[] root;
    private final byte[] file;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong answeredCorrectly = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

    GoodClient(RpcClient client, byte[] root, byte[] file) {
        this.client = client;
        this.root = root;
        this.file = file;
    }

    void runUntil(long deadlineNanos) {
        for (int i = 0; System.nanoTime() - deadlineNanos < 0 && !Thread.currentThread().isInterrupted(); i++) {
            timed("NULL", () -> RawNfs.nullCall(client));
            timed("GETATTR", () -> {
                int[] type = new int[1];
                int st = RawNfs.getattr(client, root, type);
                if (st != RawNfs.NFS3_OK || type[0] != RawNfs.NF3DIR) {
                    throw new IOException("GETATTR of the root: status " + st + " type " + type[0]);
                }
            });
            long offset = (long) (i % 64) * BLOCK;
            byte[] data = pattern(i);
            timed("WRITE", () -> write(client, file, offset, data));
            timed("READ", () -> {
                byte[] back = read(client, file, offset, BLOCK);
                if (!Arrays.equals(back, data)) throw new IOException("READ at " + offset + " returned other bytes");
            });
        }
    }

    private interface Call {
        void run() throws IOException;
    }

    private void timed(String what, Call call) {
        long n = calls.incrementAndGet();
        long t0 = System.nanoTime();
        try {
            call.run();
            latencies.add(System.nanoTime() - t0);
            answeredCorrectly.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            latencies.add(System.nanoTime() - t0);
            failures.add("call " + n + " " + what + ": " + e);
        }
    }

    /** Latency percentile {@code p} (0..100) in milliseconds. */
    double latencyMillis(double p) {
        List<Long> copy;
        synchronized (latencies) {
            copy = new ArrayList<>(latencies);
        }
        if (copy.isEmpty()) return 0;
        Collections.sort(copy);
        int idx = (int) Math.min(copy.size() - 1, Math.ceil(p / 100 * copy.size()) - 1);
        return copy.get(Math.max(0, idx)) / 1e6;
    }

    static byte[] pattern(int i) {
        byte[] b = new byte[BLOCK];
        for (int j = 0; j < b.length; j++) b[j] = (byte) (i * 31 + j);
        return b;
    }

    // ------------------------------------------------------------------ NFS v3 calls (RFC 1813)

    /** CREATE (UNCHECKED, no attributes) of {@code name} in {@code dir}; the new file's handle. */
    static byte[] create(RpcClient c, byte[] dir, String name) throws IOException {
        XdrWritable args = enc -> {
            enc.writeOpaque(dir).writeString(name).writeInt(0); // createmode3 UNCHECKED
            for (int i = 0; i < 4; i++) enc.writeBoolean(false); // mode, uid, gid, size not set
            enc.writeInt(0).writeInt(0); // atime, mtime: DONT_CHANGE
        };
        try (RpcReply r = RawNfs.await(c.call(RawNfs.NFS, 3, RawNfs.CREATE, RawNfs.ROOT, args))) {
            XdrDecoder d = success(r, "CREATE " + name);
            if (!d.readBoolean()) throw new IOException("CREATE " + name + " returned no handle");
            return d.readOpaque(64);
        } catch (XdrException e) {
            throw new IOException("CREATE: malformed reply: " + e.getMessage(), e);
        }
    }

    /** WRITE FILE_SYNC of all of {@code data} at {@code offset}. */
    static void write(RpcClient c, byte[] fh, long offset, byte[] data) throws IOException {
        XdrWritable args = new XdrWritable() {
            @Override
            public void write(XdrEncoder enc) {
                enc.writeOpaque(fh).writeLong(offset).writeInt(data.length).writeInt(2).writeOpaque(data);
            }

            @Override
            public int sizeHint() {
                return data.length + 100;
            }
        };
        try (RpcReply r = RawNfs.await(c.call(RawNfs.NFS, 3, RawNfs.WRITE, RawNfs.ROOT, args))) {
            XdrDecoder d = success(r, "WRITE");
            skipWcc(d);
            long count = d.readUnsignedInt();
            int committed = d.readInt();
            if (count != data.length || committed != 2) {
                throw new IOException("WRITE of " + data.length + " bytes: count " + count + " committed " + committed);
            }
        } catch (XdrException e) {
            throw new IOException("WRITE: malformed reply: " + e.getMessage(), e);
        }
    }

    /** READ of {@code count} bytes at {@code offset}. */
    static byte[] read(RpcClient c, byte[] fh, long offset, int count) throws IOException {
        try (RpcReply r = RawNfs.await(c.call(RawNfs.NFS, 3, RawNfs.READ, RawNfs.ROOT,
                enc -> enc.writeOpaque(fh).writeLong(offset).writeInt(count)))) {
            XdrDecoder d = success(r, "READ");
            skipPostOpAttr(d);
            d.readUnsignedInt(); // count
            d.readBoolean(); // eof
            return d.readOpaque(Integer.MAX_VALUE);
        } catch (XdrException e) {
            throw new IOException("READ: malformed reply: " + e.getMessage(), e);
        }
    }

    private static XdrDecoder success(RpcReply r, String what) throws IOException, XdrException {
        if (!r.isSuccess()) throw new IOException(what + " was answered " + r);
        XdrDecoder d = r.results();
        int status = d.readInt();
        if (status != RawNfs.NFS3_OK) throw new IOException(what + ": nfsstat3 " + status);
        return d;
    }

    private static void skipPostOpAttr(XdrDecoder d) throws XdrException {
        if (d.readBoolean()) d.skip(84);
    }

    private static void skipWcc(XdrDecoder d) throws XdrException {
        if (d.readBoolean()) d.skip(24);
        skipPostOpAttr(d);
    }
}
