package org.echofs.cli.bench;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.AttrResult;
import org.echofs.gateway.client.Nfs3Types.CommitResult;
import org.echofs.gateway.client.Nfs3Types.CreateResult;
import org.echofs.gateway.client.Nfs3Types.FsInfoResult;
import org.echofs.gateway.client.Nfs3Types.LookupResult;
import org.echofs.gateway.client.Nfs3Types.ReadResult;
import org.echofs.gateway.client.Nfs3Types.ReaddirPlusResult;
import org.echofs.gateway.client.Nfs3Types.ReaddirResult;
import org.echofs.gateway.client.Nfs3Types.RenameResult;
import org.echofs.gateway.client.Nfs3Types.Sattr;
import org.echofs.gateway.client.Nfs3Types.WccResult;
import org.echofs.gateway.client.Nfs3Types.WriteResult;

import java.util.concurrent.CompletableFuture;

/**
 * One benchmark connection: the NFS v3 calls the workloads make, on an {@link Nfs3Client},
 * each counted in the session's {@link CallCounts} when it is sent. Thread-safe (as the client);
 * futures complete on the connection's I/O thread.
 */
final class BenchClient {

    /** Mode of the files and directories the benchmark creates. */
    static final Sattr FILE_MODE = Sattr.mode(0644);
    static final Sattr DIR_MODE = Sattr.mode(0755);

    private final Nfs3Client client;
    private final CallCounts counts;
    private final int index;

    BenchClient(Nfs3Client client, CallCounts counts, int index) {
        this.client = client;
        this.counts = counts;
        this.index = index;
    }

    /** Which connection of the session this is (0-based). */
    int index() { return index; }

    Nfs3Client nfs() { return client; }

    CompletableFuture<AttrResult> getattr(byte[] fh) {
        counts.add(CallCounts.GETATTR);
        return client.getattr(fh);
    }

    CompletableFuture<LookupResult> lookup(byte[] dir, String name) {
        counts.add(CallCounts.LOOKUP);
        return client.lookup(dir, name);
    }

    CompletableFuture<ReadResult> read(byte[] fh, long offset, int count) {
        counts.add(CallCounts.READ);
        return client.readDiscardingData(fh, offset, count);
    }

    CompletableFuture<WriteResult> write(byte[] fh, long offset, byte[] data, int length, int stable) {
        counts.add(CallCounts.WRITE);
        return client.write(fh, offset, data, 0, length, stable);
    }

    CompletableFuture<CreateResult> create(byte[] dir, String name) {
        counts.add(CallCounts.CREATE);
        return client.create(dir, name, Nfs3Client.GUARDED, FILE_MODE);
    }

    CompletableFuture<CreateResult> mkdir(byte[] dir, String name) {
        counts.add(CallCounts.MKDIR);
        return client.mkdir(dir, name, DIR_MODE);
    }

    CompletableFuture<WccResult> remove(byte[] dir, String name) {
        counts.add(CallCounts.REMOVE);
        return client.remove(dir, name);
    }

    CompletableFuture<WccResult> rmdir(byte[] dir, String name) {
        counts.add(CallCounts.RMDIR);
        return client.rmdir(dir, name);
    }

    CompletableFuture<RenameResult> rename(byte[] dir, String from, String to) {
        counts.add(CallCounts.RENAME);
        return client.rename(dir, from, dir, to);
    }

    CompletableFuture<ReaddirResult> readdir(byte[] dir, long cookie, long verifier, int count) {
        counts.add(CallCounts.READDIR);
        return client.readdir(dir, cookie, verifier, count);
    }

    CompletableFuture<ReaddirPlusResult> readdirplus(byte[] dir, long cookie, long verifier, int dircount,
                                                     int maxcount) {
        counts.add(CallCounts.READDIRPLUS);
        return client.readdirplus(dir, cookie, verifier, dircount, maxcount);
    }

    CompletableFuture<CommitResult> commit(byte[] fh) {
        counts.add(CallCounts.COMMIT);
        return client.commit(fh, 0, 0);
    }

    CompletableFuture<FsInfoResult> fsinfo(byte[] fh) {
        counts.add(CallCounts.FSINFO);
        return client.fsinfo(fh);
    }

    CompletableFuture<WccResult> setattr(byte[] fh, Sattr attrs) {
        counts.add(CallCounts.SETATTR);
        return client.setattr(fh, attrs, null);
    }
}
