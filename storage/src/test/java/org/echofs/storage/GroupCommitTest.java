package org.echofs.storage;

import static org.echofs.storage.Vol.ROOT;
import static org.echofs.storage.Vol.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.echofs.core.fs.Stability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent stable updates share log syncs. */
class GroupCommitTest {

    @TempDir Path tmp;

    @Test void concurrentFileSyncWritesShareLogSyncs() throws Exception {
        try (Vol v = new Vol(tmp.resolve("vol"))) {
            int threads = 8, per = 40;
            long[] files = new long[threads];
            for (int t = 0; t < threads; t++) files[t] = v.file(v.root(), "f" + t).fileId();
            long syncsBefore = v.metrics.counter("storage.log.syncs").getCount();
            long appendsBefore = v.metrics.counter("storage.log.appends").getCount();
            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int me = t;
                ts[t] = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < per; i++) {
                            get(v.e.write(ROOT, files[me], (long) i * 4096, ByteBuffer.wrap(new byte[4096]), Stability.FILE_SYNC));
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                ts[t].start();
            }
            start.countDown();
            for (Thread t : ts) t.join();
            if (failure.get() != null) throw new AssertionError(failure.get());
            long ops = (long) threads * per;
            long appends = v.metrics.counter("storage.log.appends").getCount() - appendsBefore;
            long syncs = v.metrics.counter("storage.log.syncs").getCount() - syncsBefore;
            assertEquals(ops, appends, "one size record per stable write");
            assertTrue(syncs < ops, "group commit: " + syncs + " log syncs for " + ops + " stable writes");
            assertTrue(v.metrics.histogram("storage.log.records-per-sync").getSnapshot().getMax() > 1);
            for (int t = 0; t < threads; t++) assertEquals((long) per * 4096, v.e.metaForTest().object(files[t]).size());
        }
    }
}
