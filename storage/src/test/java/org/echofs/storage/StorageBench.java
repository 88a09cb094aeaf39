package org.echofs.storage;

import com.codahale.metrics.MetricRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.echofs.core.fs.Caller;
import org.echofs.core.fs.CreateHow;
import org.echofs.core.fs.DirListing;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;

/**
 * A rough single-client benchmark of the engine's hot paths (not a test). Run with the test
 * class path: {@code java -cp ... org.echofs.storage.StorageBench [dir] [MiB]}.
 */
public final class StorageBench {

    private StorageBench() { }

    private static void report(String what, int ops, long nanos) {
        System.out.printf("%-34s %9d ops %10.1f us/op %12.0f ops/s%n", what, ops, nanos / 1000.0 / ops, ops * 1e9 / nanos);
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("echofs-bench");
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Caller root = new Caller(0, 0, null);
        MetricRegistry metrics = new MetricRegistry();
        try (StorageEngine e = StorageEngine.open(StorageConfig.defaults(dir.resolve("vol")), new SystemClock(), metrics)) {
            long r = e.rootId();
            long d = e.mkdir(root, r, "bench", SetAttributes.NONE).get().object().fileId();
            int n = 2000;
            long[] ids = new long[n];
            byte[] four = new byte[4096];
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime(), tc = 0, tw = 0, tm = 0;
                for (int i = 0; i < n; i++) {
                    String name = "f" + round + "-" + i;
                    long a = System.nanoTime();
                    ids[i] = e.create(root, d, name, CreateHow.GUARDED, SetAttributes.NONE, 0).get().object().fileId();
                    long b = System.nanoTime();
                    e.write(root, ids[i], 0, ByteBuffer.wrap(four), Stability.UNSTABLE).get();
                    long c = System.nanoTime();
                    e.commit(ids[i]).get();
                    tc += b - a;
                    tw += c - b;
                    tm += System.nanoTime() - c;
                }
                report("create+write4k+commit", n, System.nanoTime() - t0);
                System.out.printf("   create %.0f us, write %.0f us, commit %.0f us; log sync %.0f us, data fsync %.0f us%n",
                        tc / 1e3 / n, tw / 1e3 / n, tm / 1e3 / n,
                        metrics.timer("storage.log.sync-latency").getSnapshot().getMean() / 1e3,
                        metrics.timer("storage.data.fsync-latency").getSnapshot().getMean() / 1e3);
            }
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                int m = 500_000;
                for (int i = 0; i < m; i++) e.getattr(ids[i % n]);
                report("getattr", m, System.nanoTime() - t0);
            }
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                int m = 300_000;
                for (int i = 0; i < m; i++) e.lookup(root, d, "f1-" + (i % n));
                report("lookup", m, System.nanoTime() - t0);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) e.rename(root, d, "f1-" + i, d, "g" + i).get();
            report("rename", n, System.nanoTime() - t0);
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) e.remove(root, d, "g" + i).get();
            report("remove", n, System.nanoTime() - t0);

            long big = e.create(root, r, "big", CreateHow.GUARDED, SetAttributes.NONE, 0).get().object().fileId();
            byte[] mb = new byte[1 << 20];
            new Random(1).nextBytes(mb);
            t0 = System.nanoTime();
            for (int i = 0; i < mib; i++) e.write(root, big, (long) i << 20, ByteBuffer.wrap(mb), Stability.UNSTABLE).get();
            long tw = System.nanoTime() - t0;
            e.commit(big).get();
            long tc = System.nanoTime() - t0;
            System.out.printf("%-34s %6d MiB %8.1f MiB/s (writes), %8.1f MiB/s incl. commit%n", "1MiB sequential writes",
                    mib, mib * 1e9 / tw, mib * 1e9 / tc);
            ByteBuffer rb = ByteBuffer.allocate(1 << 20);
            t0 = System.nanoTime();
            for (int i = 0; i < mib; i++) {
                rb.clear();
                e.read(root, big, (long) i << 20, rb);
            }
            System.out.printf("%-34s %6d MiB %8.1f MiB/s%n", "1MiB sequential reads", mib, mib * 1e9 / (System.nanoTime() - t0));
            Random rnd = new Random(2);
            ByteBuffer r4 = ByteBuffer.allocate(4096);
            int m = 100_000;
            t0 = System.nanoTime();
            for (int i = 0; i < m; i++) {
                r4.clear();
                e.read(root, big, (long) rnd.nextInt(mib * 256) * 4096, r4);
            }
            report("4k random reads", m, System.nanoTime() - t0);
            t0 = System.nanoTime();
            for (int i = 0; i < m; i++) {
                e.write(root, big, (long) rnd.nextInt(mib * 256) * 4096, ByteBuffer.wrap(four), Stability.UNSTABLE).get();
            }
            report("4k random writes (unstable)", m, System.nanoTime() - t0);
            t0 = System.nanoTime();
            e.commit(big).get();
            report("commit after them", 1, System.nanoTime() - t0);
            t0 = System.nanoTime();
            int k = 2000;
            for (int i = 0; i < k; i++) {
                e.write(root, big, (long) rnd.nextInt(mib * 256) * 4096, ByteBuffer.wrap(four), Stability.FILE_SYNC).get();
            }
            report("4k random writes (file_sync)", k, System.nanoTime() - t0);

            long big10k = e.mkdir(root, r, "tenk", SetAttributes.NONE).get().object().fileId();
            CompletableFuture<?>[] fs = new CompletableFuture<?>[10_000];
            for (int i = 0; i < fs.length; i++) {
                fs[i] = e.create(root, big10k, "entry-" + i, CreateHow.GUARDED, SetAttributes.NONE, 0);
            }
            for (CompletableFuture<?> f : fs) f.get();
            for (int round = 0; round < 3; round++) {
                for (boolean plus : new boolean[] {false, true}) {
                    t0 = System.nanoTime();
                    long cookie = 0, ver = 0;
                    int count = 0;
                    while (true) {
                        DirListing l = e.readdir(root, big10k, cookie, ver, 1000, plus);
                        count += l.entries().size();
                        ver = l.verifier();
                        if (l.eof()) break;
                        cookie = l.entries().get(l.entries().size() - 1).cookie();
                    }
                    report(plus ? "readdirplus 10k (pages of 1000)" : "readdir 10k (pages of 1000)", count,
                            System.nanoTime() - t0);
                }
            }
            com.codahale.metrics.Snapshot pause = metrics.timer("storage.checkpoint.pause").getSnapshot();
            System.out.printf("checkpoints %d, update pause mean %.1f ms, max %.1f ms%n",
                    metrics.timer("storage.checkpoint.pause").getCount(), pause.getMean() / 1e6, pause.getMax() / 1e6);
            System.out.printf("log syncs %d, appends %d, records/sync mean %.2f, data fsyncs %d%n",
                    metrics.counter("storage.log.syncs").getCount(), metrics.counter("storage.log.appends").getCount(),
                    metrics.histogram("storage.log.records-per-sync").getSnapshot().getMean(),
                    metrics.counter("storage.data.fsyncs").getCount());
        }
    }
}
