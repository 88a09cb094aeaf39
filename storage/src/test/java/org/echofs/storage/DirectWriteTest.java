package org.echofs.storage;

import static org.echofs.storage.Vol.ROOT;
import static org.echofs.storage.Vol.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.echofs.core.fs.Stability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large aligned writes that bypass the page cache, mixed with buffered ones; and the fallbacks. */
class DirectWriteTest {

    private static final int MIB = 1 << 20;

    @TempDir Path tmp;

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Whether this test's file system takes O_DIRECT at all (tmpfs before Linux 6.6 does not). */
    private boolean fileSystemTakesDirect() throws IOException {
        Path p = tmp.resolve("probe");
        Files.write(p, new byte[0]);
        try (FileChannel ignored = DirectWrites.O_DIRECT.open(p)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long count(MetricRegistry m, String name) {
        return m.counter(name).getCount();
    }

    private static void write(Vol v, long f, long off, ByteBuffer b) throws Exception {
        get(v.e.write(ROOT, f, off, b, Stability.UNSTABLE));
    }

    @Test void largeAlignedWritesBypassThePageCacheAndReadBackWithBufferedOnes() throws Exception {
        boolean direct = fileSystemTakesDirect();
        try (Vol v = new Vol(tmp.resolve("vol"), c -> c.withDirectWriteMin(64 << 10))) {
            long f = v.file(ROOT, v.root(), "big").fileId();
            byte[] expected = new byte[3 * MIB];
            // 1 MiB from a heap buffer, 1 MiB from a direct buffer at an unaligned address, 1 MiB aligned
            byte[] a = random(1, MIB);
            write(v, f, 0, ByteBuffer.wrap(a));
            System.arraycopy(a, 0, expected, 0, MIB);
            byte[] b = random(2, MIB);
            ByteBuffer unaligned = ByteBuffer.allocateDirect(MIB + 8192);
            int shift = 4096 - unaligned.alignmentOffset(0, 4096) + 3;
            unaligned.position(shift).limit(shift + MIB);
            unaligned.slice().put(b);
            write(v, f, MIB, unaligned);
            System.arraycopy(b, 0, expected, MIB, MIB);
            byte[] c = random(3, MIB);
            ByteBuffer aligned = ByteBuffer.allocateDirect(MIB + 4096).alignedSlice(4096);
            aligned.put(c).flip();
            write(v, f, 2L * MIB, aligned);
            System.arraycopy(c, 0, expected, 2 * MIB, MIB);
            // small and unaligned writes go through the page cache, over and between the direct ones
            byte[] small = random(4, 5000);
            write(v, f, MIB - 100, ByteBuffer.wrap(small));
            System.arraycopy(small, 0, expected, MIB - 100, small.length);
            assertArrayEquals(expected, v.read(f, 0, 3 * MIB));
            // a direct write over bytes that were just written through the page cache replaces them
            byte[] over = random(5, 256 << 10);
            write(v, f, MIB - 4096 * 2, ByteBuffer.wrap(over));
            System.arraycopy(over, 0, expected, MIB - 8192, over.length);
            assertArrayEquals(expected, v.read(f, 0, 3 * MIB));

            if (direct) {
                assertEquals(4, count(v.metrics, "storage.data.direct-writes"));
                assertEquals(3L * MIB + over.length, count(v.metrics, "storage.data.direct-write-bytes"));
            } else {
                assertEquals(1, count(v.metrics, "storage.data.direct-refused"));
                assertEquals(0, count(v.metrics, "storage.data.direct-writes"));
            }
            get(v.e.commit(f));
            v.reopen();
            assertArrayEquals(expected, v.read(f, 0, 3 * MIB));
            assertEquals(3L * MIB, v.e.getattr(f).size());
        }
    }

    @Test void smallOrUnalignedWritesAndTheSettingOffAreBuffered() throws Exception {
        try (Vol v = new Vol(tmp.resolve("vol"), c -> c.withDirectWriteMin(256 << 10))) {
            long f = v.file(ROOT, v.root(), "f").fileId();
            write(v, f, 0, ByteBuffer.wrap(random(1, 128 << 10)));          // below the minimum
            write(v, f, 100, ByteBuffer.wrap(random(2, MIB)));              // offset not aligned
            write(v, f, 0, ByteBuffer.wrap(random(3, MIB + 1)));            // length not aligned
            assertEquals(0, count(v.metrics, "storage.data.direct-writes"));
        }
        try (Vol v = new Vol(tmp.resolve("off"), c -> c.withDirectWriteMin(0))) {
            long f = v.file(ROOT, v.root(), "f").fileId();
            byte[] a = random(4, MIB);
            write(v, f, 0, ByteBuffer.wrap(a));
            assertEquals(0, count(v.metrics, "storage.data.direct-writes"));
            assertArrayEquals(a, v.read(f, 0, MIB));
        }
    }

    @Test void aFileSystemThatRefusesODirectTurnsItOffAndNothingIsLost() throws Exception {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        MetricRegistry m = new MetricRegistry();
        AtomicInteger opens = new AtomicInteger();
        DirectWrites refusing = new DirectWrites(4096, p -> {
            opens.incrementAndGet();
            throw new IOException("Invalid argument");
        }, m);
        try (DataStore store = new DataStore(dir, 4, refusing, 0, m)) {
            byte[] a = random(7, MIB);
            DataStore.Handle h = store.acquire(1, true);
            try {
                store.write(h, 0, ByteBuffer.wrap(a));
                store.write(h, MIB, ByteBuffer.wrap(a));
            } finally {
                store.release(h);
            }
            assertFalse(refusing.enabled());
            assertEquals(1, opens.get(), "refused once, then never tried again");
            assertEquals(1, count(m, "storage.data.direct-refused"));
            ByteBuffer back = ByteBuffer.allocate(2 * MIB);
            store.read(1, 0, back, 2 * MIB, 2 * MIB);
            back.flip();
            for (int half = 0; half < 2; half++) {
                byte[] got = new byte[MIB];
                back.get(got);
                assertArrayEquals(a, got);
            }
        }
    }

    @Test void otherErrorsOfADirectWriteReachTheCaller() throws Exception {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        MetricRegistry m = new MetricRegistry();
        DirectWrites full = new DirectWrites(4096, p -> {
            FileChannel real = FileChannel.open(p, StandardOpenOption.WRITE);
            real.close(); // every write through it fails: not a refusal of O_DIRECT
            return real;
        }, m);
        try (DataStore store = new DataStore(dir, 4, full, 0, m)) {
            DataStore.Handle h = store.acquire(2, true);
            try {
                assertThrows(IOException.class, () -> store.write(h, 0, ByteBuffer.wrap(random(8, 64 << 10))));
            } finally {
                store.release(h);
            }
            assertTrue(full.enabled());
        }
    }
}
