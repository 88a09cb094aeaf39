package org.echofs.cli.bench;

import org.echofs.core.time.Clock;
import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.ReadResult;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data workloads. Block sizes are capped by the server's FSINFO rtmax/wtmax (the report
 * says which size was used). The read workloads share one data file per session of
 * {@code --seq-size}/{@code --rand-size} bytes of random data, written and committed once in
 * setup (not timed).
 */
final class DataWorkloads {

    private DataWorkloads() {
    }

    /** The fixture file the read workloads share. */
    static final String DATA = "data";

    /**
     * seq-write: one op = one UNSTABLE WRITE of {@code --seq-block} bytes; the ops write a new
     * file of {@code --seq-size} bytes from start to end (in order of issue, up to connections x
     * depth in flight), then one COMMIT of the file, which is part of the timed run. The file is
     * removed after the run (not timed).
     */
    static final class SeqWrite extends Workload {
        private Session session;
        private Session.Dir dir;
        private byte[] fh;
        private byte[] data;
        private int block;
        private long size;
        private long blocks;
        private final AtomicLong next = new AtomicLong();

        @Override
        void setup(Context c) throws IOException {
            session = c.session();
            size = c.settings().seqSize();
            block = Math.min(c.settings().seqBlock(), session.wtmax());
            blocks = (size + block - 1) / block;
            data = session.pattern(block);
            dir = session.freshDir("seqwrite");
            var r = Session.await(session.main().create(dir.handle(), "seq"));
            session.check(r.status(), "CREATE seq");
            fh = session.handleOf(r, dir.handle(), "seq");
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            long b = next.getAndIncrement();
            if (b >= blocks) return null;
            long offset = b * block;
            int n = (int) Math.min(block, size - offset);
            return slot.client.write(fh, offset, data, n, Nfs3Client.UNSTABLE).thenApply(w -> w.status() != 0
                    ? Outcome.of(w.status())
                    : w.count() != n ? Outcome.wrong("WRITE of " + n + " wrote " + w.count()) : Outcome.bytes(0, n));
        }

        @Override
        CompletableFuture<Outcome> finish(Context c) {
            return session.main().commit(fh).thenApply(r -> Outcome.of(r.status()));
        }

        @Override
        boolean finite() {
            return true;
        }

        @Override
        void teardown(Context c) throws IOException {
            if (dir != null) session.removeTree(dir);
        }

        @Override
        String describe() {
            return "UNSTABLE WRITE of " + block + " B, in order over a new " + size + " B file, then COMMIT";
        }
    }

    /**
     * seq-read: one op = one READ of {@code --seq-block} bytes; the ops read the data file from
     * start to end once.
     */
    static final class SeqRead extends Workload {
        private byte[] fh;
        private int block;
        private long size;
        private long blocks;
        private final AtomicLong next = new AtomicLong();

        @Override
        void setup(Context c) throws IOException {
            size = c.settings().seqSize();
            fh = c.session().dataFile(DATA, size);
            block = Math.min(c.settings().seqBlock(), c.session().rtmax());
            blocks = (size + block - 1) / block;
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            long b = next.getAndIncrement();
            if (b >= blocks) return null;
            long offset = b * block;
            int n = (int) Math.min(block, size - offset);
            return slot.client.read(fh, offset, n).thenApply(r -> checked(r, n));
        }

        @Override
        boolean finite() {
            return true;
        }

        @Override
        String describe() {
            return "READ of " + block + " B, in order over a " + size + " B file";
        }
    }

    private static Workload.Outcome checked(ReadResult r, int n) {
        if (r.status() != 0) return Workload.Outcome.of(r.status());
        if (r.count() != n) return Workload.Outcome.wrong("READ of " + n + " returned " + r.count());
        return Workload.Outcome.bytes(0, n);
    }

    /** rand-read: one op = one READ of {@code --rand-block} bytes at a random aligned offset of the data file. */
    static final class RandRead extends Workload {
        private byte[] fh;
        private int block;
        private long blocks;

        @Override
        void setup(Context c) throws IOException {
            fh = c.session().dataFile(DATA, c.settings().randSize());
            block = Math.min(c.settings().randBlock(), c.session().rtmax());
            blocks = c.settings().randSize() / block;
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            long offset = slot.random.nextLong(blocks) * block;
            return slot.client.read(fh, offset, block).thenApply(r -> checked(r, block));
        }

        @Override
        String describe() {
            return "READ of " + block + " B at a random aligned offset of a " + blocks * block + " B file";
        }
    }

    /**
     * rand-write: one op = one UNSTABLE WRITE of {@code --rand-block} bytes at a random aligned
     * offset of a file of {@code --rand-size} bytes (written once per session in setup); every
     * {@code --commit-every}-th op of a slot also COMMITs the file before it completes (that
     * COMMIT's time is in the op's latency, and in the commit latencies). A last COMMIT ends the
     * timed run.
     */
    static final class RandWrite extends Workload {
        private Session session;
        private Clock clock;
        private byte[] fh;
        private byte[] data;
        private int block;
        private long blocks;
        private int commitEvery;

        @Override
        void setup(Context c) throws IOException {
            session = c.session();
            clock = c.clock();
            fh = session.dataFile("randwrite", c.settings().randSize());
            block = Math.min(c.settings().randBlock(), session.wtmax());
            blocks = c.settings().randSize() / block;
            data = session.pattern(block);
            commitEvery = c.settings().commitEvery();
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            long offset = slot.random.nextLong(blocks) * block;
            boolean commit = (slot.seq + 1) % commitEvery == 0;
            return slot.client.write(fh, offset, data, block, Nfs3Client.UNSTABLE).thenCompose(w -> {
                if (w.status() != 0) return CompletableFuture.completedFuture(Outcome.of(w.status()));
                if (w.count() != block) return CompletableFuture.completedFuture(Outcome.wrong("short WRITE"));
                if (!commit) return CompletableFuture.completedFuture(Outcome.bytes(0, block));
                long t0 = clock.monotonicNanos();
                return slot.client.commit(fh).thenApply(cm ->
                        new Outcome(cm.status(), block, 0, clock.monotonicNanos() - t0, null));
            });
        }

        @Override
        CompletableFuture<Outcome> finish(Context c) {
            return session.main().commit(fh).thenApply(r -> Outcome.of(r.status()));
        }

        @Override
        String describe() {
            return "UNSTABLE WRITE of " + block + " B at a random aligned offset of a " + blocks * block
                    + " B file, COMMIT every " + commitEvery + " writes per slot";
        }
    }
}
