package org.echofs.gateway.client;

import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcClient;
import org.echofs.gateway.rpc.RpcClientConfig;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A typed NFSv3 (RFC 1813) and MOUNT v3 client over {@link RpcClient}, for tests and the
 * benchmark tool. One connection; calls pipeline (any number in flight). Every method returns a
 * future of the decoded result, which carries the NFS status: an NFS error is a result, not an
 * exception. The future fails with {@link RpcFailure} when the server does not answer SUCCESS at
 * the RPC level, and with the RpcClient's exceptions on timeouts and closed connections.
 * Thread-safe; futures complete on the connection's I/O thread.
 */
public final class Nfs3Client implements AutoCloseable {

    public static final int NFS_PROGRAM = 100003, NFS_VERSION = 3, MOUNT_PROGRAM = 100005, MOUNT_VERSION = 3;

    /** nfsstat3 values used by callers. */
    public static final int NFS3_OK = 0;

    /** stable_how. */
    public static final int UNSTABLE = 0, DATA_SYNC = 1, FILE_SYNC = 2;

    /** createmode3. */
    public static final int UNCHECKED = 0, GUARDED = 1, EXCLUSIVE = 2;

    /** ftype3. */
    public static final int NF3REG = 1, NF3DIR = 2, NF3BLK = 3, NF3CHR = 4, NF3LNK = 5, NF3SOCK = 6, NF3FIFO = 7;

    private static final long NANOS = 1_000_000_000L;

    private final RpcClient rpc;
    private final Credential credential;

    public Nfs3Client(RpcClient rpc, Credential credential) {
        this.rpc = rpc;
        this.credential = credential;
    }

    /** Connects with default settings, as {@code credential}. */
    public static Nfs3Client connect(InetSocketAddress server, Credential credential) throws IOException {
        return new Nfs3Client(RpcClient.connect(server, RpcClientConfig.defaults()), credential);
    }

    /** An AUTH_SYS credential for {@code uid}/{@code gid} with no supplementary groups. */
    public static Credential.Sys unix(int uid, int gid) {
        return new Credential.Sys(0, "echofs-client", uid, gid, new int[0]);
    }

    public RpcClient rpc() { return rpc; }

    public Credential credential() { return credential; }

    /** A client on the same connection that calls as {@code other}. */
    public Nfs3Client as(Credential other) {
        return new Nfs3Client(rpc, other);
    }

    @Override
    public void close() {
        rpc.close();
    }

    /** Waits for a future, unwrapping the cause of its failure. */
    public static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            throw new IOException(c);
        }
    }

    // ---- plumbing

    @FunctionalInterface
    private interface Decoder<T> {
        T decode(XdrDecoder in) throws XdrException;
    }

    private <T> CompletableFuture<T> call(int prog, int vers, int proc, XdrWritable args, Decoder<T> decoder) {
        return rpc.call(prog, vers, proc, credential, args).thenApply(reply -> {
            try (RpcReply r = reply) {
                if (!r.isSuccess()) throw RpcFailure.of(r);
                return decoder.decode(r.results());
            } catch (XdrException e) {
                throw new RpcFailure("reply to procedure " + proc + " does not decode: " + e.getMessage());
            }
        });
    }

    private <T> CompletableFuture<T> nfs(int proc, XdrWritable args, Decoder<T> decoder) {
        return call(NFS_PROGRAM, NFS_VERSION, proc, args, decoder);
    }

    // ---- XDR pieces

    private static void time(XdrEncoder out, long nanos) {
        out.writeUnsignedInt(Math.floorDiv(nanos, NANOS));
        out.writeUnsignedInt(Math.floorMod(nanos, NANOS));
    }

    private static long time(XdrDecoder in) throws XdrException {
        return in.readUnsignedInt() * NANOS + in.readUnsignedInt();
    }

    private static void sattr(XdrEncoder out, Sattr s) {
        out.writeBoolean(s.mode() != null);
        if (s.mode() != null) out.writeInt(s.mode());
        out.writeBoolean(s.uid() != null);
        if (s.uid() != null) out.writeInt(s.uid());
        out.writeBoolean(s.gid() != null);
        if (s.gid() != null) out.writeInt(s.gid());
        out.writeBoolean(s.size() != null);
        if (s.size() != null) out.writeLong(s.size());
        timeHow(out, s.atime());
        timeHow(out, s.mtime());
    }

    private static void timeHow(XdrEncoder out, Long t) {
        if (t == null) {
            out.writeInt(0);
        } else if (t == Sattr.SERVER_TIME) {
            out.writeInt(1);
        } else {
            out.writeInt(2);
            time(out, t);
        }
    }

    private static void dirop(XdrEncoder out, byte[] dir, String name) {
        out.writeOpaque(dir);
        out.writeString(name);
    }

    private static Fattr fattr(XdrDecoder in) throws XdrException {
        return new Fattr(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readLong(),
                in.readLong(), in.readInt(), in.readInt(), in.readLong(), in.readLong(), time(in), time(in), time(in));
    }

    private static Fattr postOp(XdrDecoder in) throws XdrException {
        return in.readBoolean() ? fattr(in) : null;
    }

    private static Wcc wcc(XdrDecoder in) throws XdrException {
        PreOp before = in.readBoolean() ? new PreOp(in.readLong(), time(in), time(in)) : null;
        return new Wcc(before, postOp(in));
    }

    private static byte[] postOpFh(XdrDecoder in) throws XdrException {
        return in.readBoolean() ? in.readOpaque(64) : null;
    }

    private static String string(XdrDecoder in, int max) throws XdrException {
        return new String(in.readOpaque(max), StandardCharsets.UTF_8);
    }

    private static CreateResult created(XdrDecoder in) throws XdrException {
        int status = in.readInt();
        if (status != NFS3_OK) return new CreateResult(status, null, null, wcc(in));
        byte[] fh = postOpFh(in);
        Fattr attrs = postOp(in);
        return new CreateResult(status, fh, attrs, wcc(in));
    }

    private static WccResult wccResult(XdrDecoder in) throws XdrException {
        return new WccResult(in.readInt(), wcc(in));
    }

    // ---- MOUNT v3

    public CompletableFuture<Void> mountNull() {
        return call(MOUNT_PROGRAM, MOUNT_VERSION, 0, XdrWritable.VOID, in -> null);
    }

    public CompletableFuture<MountResult> mnt(String path) {
        return call(MOUNT_PROGRAM, MOUNT_VERSION, 1, out -> out.writeString(path), in -> {
            int status = in.readInt();
            if (status != 0) return new MountResult(status, null, null);
            byte[] fh = in.readOpaque(64);
            int n = in.readLength(64);
            int[] flavors = new int[n];
            for (int i = 0; i < n; i++) flavors[i] = in.readInt();
            return new MountResult(status, fh, flavors);
        });
    }

    public CompletableFuture<List<MountEntry>> dump() {
        return call(MOUNT_PROGRAM, MOUNT_VERSION, 2, XdrWritable.VOID, in -> {
            List<MountEntry> list = new ArrayList<>();
            while (in.readBoolean()) list.add(new MountEntry(string(in, 255), string(in, 1024)));
            return list;
        });
    }

    public CompletableFuture<Void> umnt(String path) {
        return call(MOUNT_PROGRAM, MOUNT_VERSION, 3, out -> out.writeString(path), in -> null);
    }

    public CompletableFuture<Void> umntall() {
        return call(MOUNT_PROGRAM, MOUNT_VERSION, 4, XdrWritable.VOID, in -> null);
    }

    public CompletableFuture<List<ExportEntry>> exports() {
        return call(MOUNT_PROGRAM, MOUNT_VERSION, 5, XdrWritable.VOID, in -> {
            List<ExportEntry> list = new ArrayList<>();
            while (in.readBoolean()) {
                String dir = string(in, 1024);
                List<String> groups = new ArrayList<>();
                while (in.readBoolean()) groups.add(string(in, 255));
                list.add(new ExportEntry(dir, groups));
            }
            return list;
        });
    }

    // ---- NFSv3

    public CompletableFuture<Void> nullCall() {
        return nfs(0, XdrWritable.VOID, in -> null);
    }

    public CompletableFuture<AttrResult> getattr(byte[] fh) {
        return nfs(1, out -> out.writeOpaque(fh), in -> {
            int status = in.readInt();
            return new AttrResult(status, status == NFS3_OK ? fattr(in) : null);
        });
    }

    /** SETATTR; {@code guardCtime} null = no guard. */
    public CompletableFuture<WccResult> setattr(byte[] fh, Sattr attrs, Long guardCtime) {
        return nfs(2, out -> {
            out.writeOpaque(fh);
            sattr(out, attrs);
            out.writeBoolean(guardCtime != null);
            if (guardCtime != null) time(out, guardCtime);
        }, Nfs3Client::wccResult);
    }

    public CompletableFuture<LookupResult> lookup(byte[] dir, String name) {
        return nfs(3, out -> dirop(out, dir, name), in -> {
            int status = in.readInt();
            if (status != NFS3_OK) return new LookupResult(status, null, null, postOp(in));
            byte[] fh = in.readOpaque(64);
            Fattr obj = postOp(in);
            return new LookupResult(status, fh, obj, postOp(in));
        });
    }

    public CompletableFuture<AccessResult> access(byte[] fh, int mask) {
        return nfs(4, out -> out.writeOpaque(fh).writeInt(mask), in -> {
            int status = in.readInt();
            Fattr attrs = postOp(in);
            return new AccessResult(status, attrs, status == NFS3_OK ? in.readInt() : 0);
        });
    }

    public CompletableFuture<ReadlinkResult> readlink(byte[] fh) {
        return nfs(5, out -> out.writeOpaque(fh), in -> {
            int status = in.readInt();
            Fattr attrs = postOp(in);
            return new ReadlinkResult(status, attrs, status == NFS3_OK ? string(in, 1 << 16) : null);
        });
    }

    public CompletableFuture<ReadResult> read(byte[] fh, long offset, int count) {
        return nfs(6, out -> out.writeOpaque(fh).writeLong(offset).writeInt(count), in -> {
            int status = in.readInt();
            Fattr attrs = postOp(in);
            if (status != NFS3_OK) return new ReadResult(status, attrs, 0, false, null);
            int n = in.readInt();
            boolean eof = in.readBoolean();
            byte[] data = in.readOpaque(Integer.MAX_VALUE);
            return new ReadResult(status, attrs, n, eof, data);
        });
    }

    /**
     * READ that skips the returned data instead of copying it (for load generators): the result's
     * {@code data} is null and {@code count} says how many bytes came back. The reply is still
     * checked: its opaque length must match {@code count} and fit the record.
     */
    public CompletableFuture<ReadResult> readDiscardingData(byte[] fh, long offset, int count) {
        return nfs(6, out -> out.writeOpaque(fh).writeLong(offset).writeInt(count), in -> {
            int status = in.readInt();
            Fattr attrs = postOp(in);
            if (status != NFS3_OK) return new ReadResult(status, attrs, 0, false, null);
            int n = in.readInt();
            boolean eof = in.readBoolean();
            int length = in.readOpaqueSlice(Integer.MAX_VALUE).readableBytes();
            if (length != n) throw new XdrException("READ count " + n + " but " + length + " bytes of data");
            return new ReadResult(status, attrs, n, eof, null);
        });
    }

    public CompletableFuture<WriteResult> write(byte[] fh, long offset, byte[] data, int stable) {
        return write(fh, offset, data, 0, data.length, stable);
    }

    /** WRITE of {@code data[from, from+length)}. */
    public CompletableFuture<WriteResult> write(byte[] fh, long offset, byte[] data, int from, int length, int stable) {
        XdrWritable args = new XdrWritable() {
            @Override public void write(XdrEncoder out) {
                out.writeOpaque(fh).writeLong(offset).writeInt(length).writeInt(stable);
                out.writeInt(length);
                out.buffer().writeBytes(data, from, length);
                out.buffer().writeZero((4 - (length & 3)) & 3);
            }

            @Override public int sizeHint() { return 64 + fh.length + length; }
        };
        return nfs(7, args, in -> {
            int status = in.readInt();
            Wcc w = wcc(in);
            if (status != NFS3_OK) return new WriteResult(status, w, 0, 0, 0);
            return new WriteResult(status, w, in.readInt(), in.readInt(), in.readLong());
        });
    }

    /** CREATE UNCHECKED or GUARDED with {@code attrs}. */
    public CompletableFuture<CreateResult> create(byte[] dir, String name, int mode, Sattr attrs) {
        if (mode == EXCLUSIVE) throw new IllegalArgumentException("use createExclusive");
        return nfs(8, out -> {
            dirop(out, dir, name);
            out.writeInt(mode);
            sattr(out, attrs);
        }, Nfs3Client::created);
    }

    public CompletableFuture<CreateResult> createExclusive(byte[] dir, String name, long verifier) {
        return nfs(8, out -> {
            dirop(out, dir, name);
            out.writeInt(EXCLUSIVE);
            out.writeLong(verifier);
        }, Nfs3Client::created);
    }

    public CompletableFuture<CreateResult> mkdir(byte[] dir, String name, Sattr attrs) {
        return nfs(9, out -> {
            dirop(out, dir, name);
            sattr(out, attrs);
        }, Nfs3Client::created);
    }

    public CompletableFuture<CreateResult> symlink(byte[] dir, String name, Sattr attrs, String target) {
        return nfs(10, out -> {
            dirop(out, dir, name);
            sattr(out, attrs);
            out.writeString(target);
        }, Nfs3Client::created);
    }

    /** MKNOD; {@code major}/{@code minor} are sent for NF3CHR and NF3BLK only. */
    public CompletableFuture<CreateResult> mknod(byte[] dir, String name, int type, Sattr attrs, int major, int minor) {
        return nfs(11, out -> {
            dirop(out, dir, name);
            out.writeInt(type);
            switch (type) {
                case NF3CHR, NF3BLK -> {
                    sattr(out, attrs);
                    out.writeInt(major).writeInt(minor);
                }
                case NF3SOCK, NF3FIFO -> sattr(out, attrs);
                default -> { }
            }
        }, Nfs3Client::created);
    }

    public CompletableFuture<WccResult> remove(byte[] dir, String name) {
        return nfs(12, out -> dirop(out, dir, name), Nfs3Client::wccResult);
    }

    public CompletableFuture<WccResult> rmdir(byte[] dir, String name) {
        return nfs(13, out -> dirop(out, dir, name), Nfs3Client::wccResult);
    }

    public CompletableFuture<RenameResult> rename(byte[] fromDir, String fromName, byte[] toDir, String toName) {
        return nfs(14, out -> {
            dirop(out, fromDir, fromName);
            dirop(out, toDir, toName);
        }, in -> new RenameResult(in.readInt(), wcc(in), wcc(in)));
    }

    public CompletableFuture<LinkResult> link(byte[] file, byte[] dir, String name) {
        return nfs(15, out -> {
            out.writeOpaque(file);
            dirop(out, dir, name);
        }, in -> new LinkResult(in.readInt(), postOp(in), wcc(in)));
    }

    public CompletableFuture<ReaddirResult> readdir(byte[] dir, long cookie, long verifier, int count) {
        return nfs(16, out -> out.writeOpaque(dir).writeLong(cookie).writeLong(verifier).writeInt(count), in -> {
            int status = in.readInt();
            Fattr attrs = postOp(in);
            if (status != NFS3_OK) return new ReaddirResult(status, attrs, 0, List.of(), false);
            long verf = in.readLong();
            List<DirEntry> entries = new ArrayList<>();
            while (in.readBoolean()) entries.add(new DirEntry(in.readLong(), string(in, 1024), in.readLong()));
            return new ReaddirResult(status, attrs, verf, entries, in.readBoolean());
        });
    }

    public CompletableFuture<ReaddirPlusResult> readdirplus(byte[] dir, long cookie, long verifier, int dircount,
                                                            int maxcount) {
        return nfs(17, out -> out.writeOpaque(dir).writeLong(cookie).writeLong(verifier).writeInt(dircount)
                .writeInt(maxcount), in -> {
            int status = in.readInt();
            Fattr attrs = postOp(in);
            if (status != NFS3_OK) return new ReaddirPlusResult(status, attrs, 0, List.of(), false);
            long verf = in.readLong();
            List<DirEntryPlus> entries = new ArrayList<>();
            while (in.readBoolean()) {
                long fileId = in.readLong();
                String name = string(in, 1024);
                long cookie2 = in.readLong();
                Fattr a = postOp(in);
                entries.add(new DirEntryPlus(fileId, name, cookie2, a, postOpFh(in)));
            }
            return new ReaddirPlusResult(status, attrs, verf, entries, in.readBoolean());
        });
    }

    public CompletableFuture<FsStatResult> fsstat(byte[] fh) {
        return nfs(18, out -> out.writeOpaque(fh), in -> {
            int status = in.readInt();
            Fattr attrs = postOp(in);
            if (status != NFS3_OK) return new FsStatResult(status, attrs, 0, 0, 0, 0, 0, 0, 0);
            return new FsStatResult(status, attrs, in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readInt());
        });
    }

    public CompletableFuture<FsInfoResult> fsinfo(byte[] fh) {
        return nfs(19, out -> out.writeOpaque(fh), in -> {
            int status = in.readInt();
            Fattr attrs = postOp(in);
            if (status != NFS3_OK) return new FsInfoResult(status, attrs, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            return new FsInfoResult(status, attrs, in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    in.readInt(), in.readInt(), in.readInt(), in.readLong(), time(in), in.readInt());
        });
    }

    public CompletableFuture<PathconfResult> pathconf(byte[] fh) {
        return nfs(20, out -> out.writeOpaque(fh), in -> {
            int status = in.readInt();
            Fattr attrs = postOp(in);
            if (status != NFS3_OK) return new PathconfResult(status, attrs, 0, 0, false, false, false, false);
            return new PathconfResult(status, attrs, in.readInt(), in.readInt(), in.readBoolean(), in.readBoolean(),
                    in.readBoolean(), in.readBoolean());
        });
    }

    public CompletableFuture<CommitResult> commit(byte[] fh, long offset, int count) {
        return nfs(21, out -> out.writeOpaque(fh).writeLong(offset).writeInt(count), in -> {
            int status = in.readInt();
            Wcc w = wcc(in);
            return new CommitResult(status, w, status == NFS3_OK ? in.readLong() : 0);
        });
    }
}
