package org.echofs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read-ahead for sequential readers: when it starts, how far it goes, and what it never does. */
class ReadAheadTest {

    private static final int KIB = 1 << 10;
    private static final int MIB = 1 << 20;

    @TempDir Path tmp;

    private final MetricRegistry metrics = new MetricRegistry();

    private long count(String name) {
        return metrics.counter("storage.data.read-ahead." + name).getCount();
    }

    private DataStore store(int window) throws Exception {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        return new DataStore(dir, 8, 0, window, metrics);
    }

    private static byte[] fill(DataStore store, long id, int size) throws Exception {
        byte[] data = new byte[size];
        new SplittableRandom(id).nextBytes(data);
        DataStore.Handle h = store.acquire(id, true);
        try {
            store.write(h, 0, ByteBuffer.wrap(data));
        } finally {
            store.release(h);
        }
        return data;
    }

    /** Reads [pos, pos + count) and checks it against {@code data}. */
    private static void readAndCheck(DataStore store, long id, byte[] data, long pos, int count) throws Exception {
        ByteBuffer dst = ByteBuffer.allocateDirect(count);
        store.read(id, pos, dst, count, data.length);
        dst.flip();
        byte[] got = new byte[count];
        dst.get(got);
        assertArrayEquals(Arrays.copyOfRange(data, (int) pos, (int) pos + count), got, "bytes at " + pos);
    }

    @Test void aSequentialReaderGetsTheFileReadAheadUpToItsEndAndNoFurther() throws Exception {
        try (DataStore store = store(2 * MIB)) {
            byte[] data = fill(store, 1, 8 * MIB + 12345);
            for (long pos = 0; pos < data.length; pos += 256 * KIB) {
                readAndCheck(store, 1, data, pos, (int) Math.min(256 * KIB, data.length - pos));
                store.readAhead().awaitIdle();
            }
            assertTrue(count("started") >= 3, "read-aheads started: " + count("started"));
            // the first three reads (768 KiB) come before any read-ahead; nothing beyond the end is read
            long ahead = count("bytes");
            assertTrue(ahead >= 6 * MIB && ahead <= data.length - 768 * KIB, "bytes read ahead: " + ahead);
            assertEquals(0, count("skipped"));
        }
    }

    @Test void randomAndSmallReadsGetNoReadAhead() throws Exception {
        try (DataStore store = store(2 * MIB)) {
            byte[] data = fill(store, 2, 16 * MIB);
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < 200; i++) {
                long pos = r.nextInt(16 * MIB / (64 * KIB)) * 64L * KIB;
                readAndCheck(store, 2, data, pos, 64 * KIB);
            }
            // 4 KiB reads in order: too small to count as a sequential stream
            for (long pos = 0; pos < MIB; pos += 4 * KIB) readAndCheck(store, 2, data, pos, 4 * KIB);
            store.readAhead().awaitIdle();
            // a random read lands within four lengths of the last one now and then, but rarely twice in a row
            assertTrue(count("started") <= 2, "read-aheads started: " + count("started"));
        }
    }

    @Test void readsInFlightThatArriveOutOfOrderStillCountAsSequential() throws Exception {
        try (DataStore store = store(4 * MIB)) {
            byte[] data = fill(store, 3, 16 * MIB);
            int chunk = 128 * KIB;
            for (long base = 0; base < 8 * MIB; base += 4L * chunk) {
                // four reads "in flight", served in the order 2, 0, 3, 1
                for (int k : new int[] {2, 0, 3, 1}) readAndCheck(store, 3, data, base + (long) k * chunk, chunk);
            }
            store.readAhead().awaitIdle();
            assertTrue(count("started") >= 1, "read-aheads started: " + count("started"));
            assertTrue(count("bytes") > 0);
        }
    }

    @Test void aReaderThatStartsAgainFromTheFrontGetsReadAheadAgain() throws Exception {
        try (DataStore store = store(MIB)) {
            byte[] data = fill(store, 4, 4 * MIB);
            for (int pass = 0; pass < 2; pass++) {
                long before = count("bytes");
                for (long pos = 0; pos < data.length; pos += 256 * KIB) {
                    readAndCheck(store, 4, data, pos, 256 * KIB);
                    store.readAhead().awaitIdle();
                }
                assertTrue(count("bytes") - before >= 2 * MIB, "pass " + pass + " read ahead " + (count("bytes") - before));
            }
        }
    }

    @Test void windowZeroStartsNoThreadAndReadsStayCorrect() throws Exception {
        try (DataStore store = store(0)) {
            assertFalse(store.readAhead().enabled());
            byte[] data = fill(store, 5, 2 * MIB);
            for (long pos = 0; pos < data.length; pos += 256 * KIB) readAndCheck(store, 5, data, pos, 256 * KIB);
            assertEquals(0, count("started"));
            assertEquals(0, count("bytes"));
        }
    }

    @Test void deletingOrClosingWhileReadingAheadLosesNothingAndLeaksNoReference() throws Exception {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        DataStore store = new DataStore(dir, 2, 0, 64 * MIB, metrics);
        byte[] data = fill(store, 6, 32 * MIB);
        byte[] other = fill(store, 7, MIB);
        readAndCheck(store, 6, data, 0, MIB);
        readAndCheck(store, 6, data, MIB, MIB); // starts a read-ahead of up to 30 MiB
        DataStore.Handle h6 = store.acquire(6, false);
        store.release(h6);
        store.delete(6);                        // its channel closes once the read-ahead lets go
        store.readAhead().awaitIdle();
        assertFalse(Files.exists(store.path(6)));
        assertTrue(closed(h6), "the deleted file's channel is closed after the read-ahead");
        assertFalse(h6.channel.isOpen());
        readAndCheck(store, 7, other, 0, MIB);
        // evicting handles (two open at most) while reading ahead
        byte[] third = fill(store, 8, 16 * MIB);
        readAndCheck(store, 8, third, 0, MIB);
        readAndCheck(store, 8, third, MIB, MIB);
        DataStore.Handle h8 = store.acquire(8, false);
        store.release(h8);
        fill(store, 9, MIB);
        fill(store, 10, MIB);                   // evicts 8
        store.readAhead().awaitIdle();
        assertTrue(closed(h8), "the evicted file's channel is closed after the read-ahead");
        readAndCheck(store, 8, third, 2 * MIB, MIB);
        readAndCheck(store, 8, third, 3 * MIB, MIB);
        DataStore.Handle again = store.acquire(8, false);
        store.release(again);
        store.close();                          // waits for the read-ahead; no exception
        assertTrue(closed(again));
    }

    private static boolean closed(DataStore.Handle h) {
        synchronized (h) {
            return h.closed;
        }
    }
}
