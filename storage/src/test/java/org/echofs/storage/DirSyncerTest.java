package org.echofs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The group directory syncer: a request is covered only by a sync that starts after it. */
class DirSyncerTest {

    @Test void aRequestCompletesOnlyAfterASyncThatStartedLaterAndRequestsShareSyncs() throws Exception {
        CountDownLatch firstSyncEntered = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicLong clock = new AtomicLong();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        DirSyncer.Sync sync = dir -> {
            log.add("start " + dir + " @" + clock.incrementAndGet());
            if (dir.toString().equals("/a") && firstSyncEntered.getCount() == 1) {
                firstSyncEntered.countDown();
                try {
                    releaseFirst.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        };
        MetricRegistry metrics = new MetricRegistry();
        try (DirSyncer s = new DirSyncer("test-dirsync", metrics, sync)) {
            CompletableFuture<Void> first = s.request(List.of(Path.of("/a")));
            assertTrue(firstSyncEntered.await(10, TimeUnit.SECONDS));
            // made while /a's sync runs: that sync does not cover them, the next pass does, once
            CompletableFuture<Void> second = s.request(List.of(Path.of("/a"), Path.of("/b")));
            CompletableFuture<Void> third = s.request(List.of(Path.of("/a")));
            Thread.sleep(50);
            assertFalse(second.isDone());
            assertFalse(third.isDone());
            releaseFirst.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            third.get(10, TimeUnit.SECONDS);
            assertEquals(3, log.size(), log.toString());
            assertTrue(log.get(1).startsWith("start /a"), log.toString());
            assertTrue(log.get(2).startsWith("start /b"), log.toString());
            assertEquals(3, metrics.counter("storage.data.dir-syncs").getCount());
            assertEquals(2, metrics.counter("storage.data.dir-sync-passes").getCount());
        }
    }

    @Test void aFailedSyncFailsItsRequestsAndAClosedSyncerRefuses() throws Exception {
        DirSyncer s = new DirSyncer("test-dirsync", new MetricRegistry(), dir -> {
            throw new IOException("no such directory");
        });
        CompletableFuture<Void> f = s.request(List.of(Path.of("/x")));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        s.close();
        CompletableFuture<Void> after = s.request(List.of(Path.of("/y")));
        assertTrue(after.isCompletedExceptionally());
    }
}
