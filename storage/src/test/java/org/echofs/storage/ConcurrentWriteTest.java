package org.echofs.storage;

import static org.echofs.storage.Vol.ROOT;
import static org.echofs.storage.Vol.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;
import org.echofs.core.fs.Wcc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes to one file run their pwrites concurrently; truncates, removals and gap zeroing must
 * still see whole writes, the used-space count must stay exact, and a commit must cover every
 * acknowledged write.
 */
class ConcurrentWriteTest {

    static final int BLOCK = 64 << 10;
    static final int THREADS = 8;

    @TempDir Path tmp;
    Vol v;
    long root;
    ExecutorService pool;

    @BeforeEach void open() throws Exception {
        v = new Vol(tmp.resolve("vol"));
        root = v.root();
        pool = Executors.newFixedThreadPool(THREADS + 1);
    }

    @AfterEach void close() throws Exception {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        v.close();
    }

    static byte[] pattern(int block, int round) {
        byte[] b = new byte[BLOCK];
        Arrays.fill(b, (byte) (1 + (block * 31 + round * 7) % 250));
        return b;
    }

    long used() {
        return (Long) v.metrics.getGauges().get("storage.used-bytes").getValue();
    }

    @Test void concurrentDisjointWritesAllLandAndACommitCoversThemAcrossACrash() throws Exception {
        long f = v.file(root, "f").fileId();
        long usedBefore = used();
        int blocks = 64;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int first = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int b = first; b < blocks; b += THREADS) {
                    get(v.e.write(ROOT, f, (long) b * BLOCK, ByteBuffer.wrap(pattern(b, 0)), Stability.UNSTABLE));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> d : done) d.get(60, TimeUnit.SECONDS);
        assertEquals((long) blocks * BLOCK, v.e.getattr(f).size());
        assertEquals(usedBefore + (long) blocks * BLOCK, used(), "every reserved byte is accounted once");
        get(v.e.commit(f));
        v.crashAndReopen();
        assertEquals((long) blocks * BLOCK, v.e.getattr(f).size());
        for (int b = 0; b < blocks; b++) assertArrayEquals(pattern(b, 0), v.read(f, (long) b * BLOCK, BLOCK), "block " + b);
    }

    @Test void truncatesRacingWithWritesNeverLeaveGarbageAndKeepTheCountExact() throws Exception {
        long f = v.file(root, "f").fileId();
        long usedBefore = used();
        int blocks = 32;
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            writers.add(pool.submit(() -> {
                go.await();
                for (int round = 0; !stop.get(); round++) {
                    int b = (me + round * THREADS) % blocks;
                    get(v.e.write(ROOT, f, (long) b * BLOCK, ByteBuffer.wrap(pattern(b, 0)), Stability.UNSTABLE));
                }
                return null;
            }));
        }
        go.countDown();
        for (int i = 0; i < 200; i++) {
            long size = (i % 3) * (long) BLOCK * 5 + (i % 7); // 0 .. 10 blocks, not aligned
            get(v.e.setattr(ROOT, f, SetAttributes.NONE.withSize(size), null));
            if (i % 10 == 0) get(v.e.commit(f));
        }
        stop.set(true);
        for (Future<?> w : writers) w.get(60, TimeUnit.SECONDS);

        // the last state: every block either whole data or (beyond a truncate) zeros, nothing torn
        long size = v.e.getattr(f).size();
        assertTrue(size <= (long) blocks * BLOCK, "size " + size);
        assertEquals(usedBefore + StorageEngine.BLOCK * ((size + StorageEngine.BLOCK - 1) / StorageEngine.BLOCK),
                used(), "used bytes follow the size");

        // cut to nothing, then write far out: the gap must read as zeros, whatever was in flight
        get(v.e.setattr(ROOT, f, SetAttributes.NONE.withSize(0L), null));
        get(v.e.write(ROOT, f, (long) (blocks - 1) * BLOCK, ByteBuffer.wrap(pattern(7, 1)), Stability.FILE_SYNC));
        assertEquals((long) blocks * BLOCK, v.e.getattr(f).size());
        byte[] zeros = new byte[BLOCK];
        for (int b = 0; b < blocks - 1; b++) assertArrayEquals(zeros, v.read(f, (long) b * BLOCK, BLOCK), "block " + b);
        assertArrayEquals(pattern(7, 1), v.read(f, (long) (blocks - 1) * BLOCK, BLOCK));
        assertEquals(usedBefore + (long) blocks * BLOCK, used());
        v.reopen();
        assertEquals((long) blocks * BLOCK, Files.size(v.e.dataPathForTest(f)));
        v.close();
        FsckReport report = new Fsck().check(tmp.resolve("vol"));
        assertTrue(report.isClean(), report.toText());
        v = new Vol(tmp.resolve("vol"));
    }

    @Test void aRemoveRacingWithWritesFreesEverything() throws Exception {
        long usedBefore = used();
        for (int i = 0; i < 20; i++) {
            long f = v.file(root, "f" + i).fileId();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int me = t;
                writers.add(pool.submit(() -> {
                    go.await();
                    for (int b = me; b < 16; b += THREADS) {
                        CompletableFuture<?> w = v.e.write(ROOT, f, (long) b * BLOCK, ByteBuffer.wrap(pattern(b, 0)),
                                Stability.UNSTABLE);
                        try {
                            get(w);
                        } catch (FsException e) {
                            assertEquals(FsError.STALE, e.error()); // removed before this write
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            Wcc removed = get(v.e.remove(ROOT, root, "f" + i));
            assertTrue(removed.after() != null);
            for (Future<?> w : writers) w.get(60, TimeUnit.SECONDS);
        }
        assertEquals(usedBefore, used(), "removed files give back every byte, written or in flight");
    }
}
