package org.echofs.storage;

import static org.echofs.storage.Vol.ALICE;
import static org.echofs.storage.Vol.BOB;
import static org.echofs.storage.Vol.CAROL;
import static org.echofs.storage.Vol.ROOT;
import static org.echofs.storage.Vol.assertErr;
import static org.echofs.storage.Vol.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.CreateHow;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsStat;
import org.echofs.core.fs.ReadResult;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;
import org.echofs.core.fs.Wcc;
import org.echofs.core.fs.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** READ, WRITE, COMMIT and SETATTR size (RFC 1813 sections 3.3.6, 3.3.7, 3.3.21, 3.3.2). */
class DataTest {

    @TempDir Path tmp;
    Vol v;
    long root;

    @BeforeEach void open() throws Exception {
        v = new Vol(tmp.resolve("vol"));
        root = v.root();
    }

    @AfterEach void close() {
        v.close();
    }

    @Test void writeThenReadBack() throws Exception {
        long f = v.file(ALICE, root, "f").fileId();
        v.clock.advance(10);
        WriteResult w = get(v.e.write(ALICE, f, 0, ByteBuffer.wrap("hello".getBytes()), Stability.UNSTABLE));
        assertEquals(5, w.count());
        assertEquals(Stability.UNSTABLE, w.committed());
        assertEquals(0, w.file().before().size());
        assertEquals(5, w.file().after().size());
        assertEquals(Vol.T0 + 10, w.file().after().mtimeNanos());
        assertEquals(5, v.e.getattr(f).size());
        assertEquals(4096, v.e.getattr(f).used());
        assertEquals("hello", v.readString(f, 0, 100));
        ReadResult r = v.e.read(ALICE, f, 1, ByteBuffer.allocate(3));
        assertEquals(3, r.count());
        assertFalse(r.eof());
        ReadResult tail = v.e.read(ALICE, f, 3, ByteBuffer.allocate(10));
        assertEquals(2, tail.count());
        assertTrue(tail.eof());
    }

    @Test void aZeroLengthWriteChangesNothing() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(ROOT, f, 0, "abc", Stability.UNSTABLE);
        Attributes before = v.e.getattr(f);
        v.clock.advance(99);
        WriteResult w = get(v.e.write(ROOT, f, 10, ByteBuffer.allocate(0), Stability.UNSTABLE));
        assertEquals(0, w.count());
        assertEquals(before, v.e.getattr(f));
        WriteResult stable = get(v.e.write(ROOT, f, 0, ByteBuffer.allocate(0), Stability.FILE_SYNC));
        assertEquals(Stability.FILE_SYNC, stable.committed());
        assertEquals(3, v.e.metaForTest().object(f).size(), "a stable empty write commits earlier ones");
        assertEquals(before.mtimeNanos(), v.e.getattr(f).mtimeNanos());
    }

    @Test void readPastTheEndGivesNothingAndEof() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(ROOT, f, 0, "abc", Stability.FILE_SYNC);
        ReadResult r = v.e.read(ROOT, f, 10, ByteBuffer.allocate(10));
        assertEquals(0, r.count());
        assertTrue(r.eof());
        ReadResult empty = v.e.read(ROOT, v.file(root, "g").fileId(), 0, ByteBuffer.allocate(10));
        assertEquals(0, empty.count());
        assertTrue(empty.eof());
    }

    @Test void holesReadAsZeros() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(ROOT, f, 10000, "x", Stability.UNSTABLE);
        byte[] all = v.read(f, 0, 20000);
        assertEquals(10001, all.length);
        for (int i = 0; i < 10000; i++) assertEquals(0, all[i]);
        assertEquals('x', all[10000]);
        get(v.e.setattr(ROOT, f, SetAttributes.NONE.withSize(20000L), null));
        byte[] extended = v.read(f, 0, 30000);
        assertEquals(20000, extended.length);
        for (int i = 10001; i < 20000; i++) assertEquals(0, extended[i]);
    }

    @Test void stableWritesReportFileSyncAndGetLogged() throws Exception {
        long f = v.file(root, "f").fileId();
        WriteResult w = get(v.e.write(ROOT, f, 0, ByteBuffer.wrap(new byte[100]), Stability.DATA_SYNC));
        assertEquals(Stability.FILE_SYNC, w.committed());
        assertTrue(v.metrics.counter("storage.data.fsyncs").getCount() >= 1);
        assertEquals(1, v.metrics.meter("storage.updates.sizetimes").getCount());
        assertEquals(100, v.e.metaForTest().object(f).size());
    }

    @Test void commitMakesUnstableWritesDurable() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(ROOT, f, 0, "unstable", Stability.UNSTABLE);
        assertEquals(0, v.e.metaForTest().object(f).size());
        Wcc c = get(v.e.commit(f));
        assertEquals(8, c.after().size());
        assertEquals(8, v.e.metaForTest().object(f).size());
        long syncs = v.metrics.counter("storage.data.fsyncs").getCount();
        get(v.e.commit(f)); // nothing dirty: no new data sync
        assertEquals(syncs, v.metrics.counter("storage.data.fsyncs").getCount());
    }

    @Test void writeErrors() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        long f = get(v.e.create(ALICE, root, "f", CreateHow.GUARDED, SetAttributes.NONE.withMode(0644), 0)).object().fileId();
        long l = get(v.e.symlink(ROOT, root, "l", "f", SetAttributes.NONE)).object().fileId();
        assertErr(FsError.ISDIR, v.e.write(ROOT, d, 0, ByteBuffer.wrap(new byte[1]), Stability.UNSTABLE));
        assertErr(FsError.INVAL, v.e.write(ROOT, l, 0, ByteBuffer.wrap(new byte[1]), Stability.UNSTABLE));
        assertErr(FsError.ACCES, v.e.write(CAROL, f, 0, ByteBuffer.wrap(new byte[1]), Stability.UNSTABLE));
        assertErr(FsError.ISDIR, () -> v.e.read(ROOT, d, 0, ByteBuffer.allocate(1)));
        assertErr(FsError.INVAL, () -> v.e.read(ROOT, l, 0, ByteBuffer.allocate(1)));
        get(v.e.write(ALICE, f, 0, ByteBuffer.wrap(new byte[1]), Stability.UNSTABLE));
        get(v.e.write(BOB, v.file(BOB, root, "bobs").fileId(), 0, ByteBuffer.wrap(new byte[1]), Stability.UNSTABLE));
        long secret = get(v.e.create(ALICE, root, "secret", CreateHow.GUARDED, SetAttributes.NONE.withMode(0200), 0))
                .object().fileId();
        assertErr(FsError.ACCES, () -> v.e.read(CAROL, secret, 0, ByteBuffer.allocate(1)));
        v.e.read(ALICE, secret, 0, ByteBuffer.allocate(1)); // the owner may always read
        assertErr(FsError.STALE, v.e.write(ROOT, 424242, 0, ByteBuffer.wrap(new byte[1]), Stability.UNSTABLE));
    }

    @Test void writeBeyondTheLargestFileSizeIsFbig() throws Exception {
        try (Vol small = new Vol(tmp.resolve("small"), c -> c.withLimits(1 << 20, 32000))) {
            long f = small.file(small.root(), "f").fileId();
            assertErr(FsError.FBIG, small.e.write(ROOT, f, (1 << 20) - 1, ByteBuffer.wrap(new byte[2]), Stability.UNSTABLE));
            assertErr(FsError.FBIG, small.e.setattr(ROOT, f, SetAttributes.NONE.withSize((1L << 20) + 1), null));
            get(small.e.write(ROOT, f, (1 << 20) - 1, ByteBuffer.wrap(new byte[1]), Stability.UNSTABLE));
            assertEquals(1 << 20, small.e.getattr(f).size());
        }
    }

    @Test void truncateShrinksAndExtendsWithZeros() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(ROOT, f, 0, "0123456789", Stability.FILE_SYNC);
        v.clock.advance(7);
        Wcc w = get(v.e.setattr(ROOT, f, SetAttributes.NONE.withSize(4L), null));
        assertEquals(10, w.before().size());
        assertEquals(4, w.after().size());
        assertEquals(Vol.T0 + 7, w.after().mtimeNanos());
        assertEquals(4, Files.size(v.e.dataPathForTest(f)));
        get(v.e.setattr(ROOT, f, SetAttributes.NONE.withSize(8L), null));
        assertArrayEquals(new byte[] {'0', '1', '2', '3', 0, 0, 0, 0}, v.read(f, 0, 100));
    }

    @Test void truncateAfterUnstableWritesDropsThem() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(ROOT, f, 0, "abcdefgh", Stability.UNSTABLE);
        get(v.e.setattr(ROOT, f, SetAttributes.NONE.withSize(2L), null));
        assertEquals(2, v.e.getattr(f).size());
        // extending by a write past the end must not bring back the cut bytes
        v.write(ROOT, f, 6, "Z", Stability.UNSTABLE);
        assertArrayEquals(new byte[] {'a', 'b', 0, 0, 0, 0, 'Z'}, v.read(f, 0, 100));
        get(v.e.commit(f));
        assertEquals(7, v.e.metaForTest().object(f).size());
    }

    @Test void commitAfterATruncateStillSyncsEarlierUnstableWrites() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(ROOT, f, 0, "unstable", Stability.UNSTABLE);
        get(v.e.setattr(ROOT, f, SetAttributes.NONE.withSize(8192L), null));
        long syncs = v.metrics.counter("storage.data.fsyncs").getCount();
        get(v.e.commit(f));
        assertEquals(syncs + 1, v.metrics.counter("storage.data.fsyncs").getCount(), "the commit synced the data");
        assertEquals(8192, v.e.metaForTest().object(f).size());
        assertEquals("unstable", v.readString(f, 0, 8));
        get(v.e.commit(f));
        assertEquals(syncs + 1, v.metrics.counter("storage.data.fsyncs").getCount(), "nothing left to sync");
    }

    @Test void truncateErrors() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        long p = get(v.e.mknod(ROOT, root, "p", org.echofs.core.fs.FileType.FIFO, SetAttributes.NONE, 0, 0)).object().fileId();
        long f = get(v.e.create(ALICE, root, "f", CreateHow.GUARDED, SetAttributes.NONE.withMode(0644), 0)).object().fileId();
        assertErr(FsError.ISDIR, v.e.setattr(ROOT, d, SetAttributes.NONE.withSize(0L), null));
        assertErr(FsError.INVAL, v.e.setattr(ROOT, p, SetAttributes.NONE.withSize(0L), null));
        assertErr(FsError.ACCES, v.e.setattr(CAROL, f, SetAttributes.NONE.withSize(0L), null));
        assertErr(FsError.INVAL, v.e.setattr(ROOT, f, SetAttributes.NONE.withSize(-1L), null));
    }

    @Test void capacityIsEnforcedBeforeAnythingChanges() throws Exception {
        long cap = 64 * 1024;
        try (Vol small = new Vol(tmp.resolve("small"), c -> c.withCapacity(cap, 1000))) {
            long r = small.root();
            long f = small.file(r, "f").fileId();
            small.write(f, 0, new byte[32 * 1024], Stability.FILE_SYNC);
            FsStat s = small.e.fsstat();
            assertEquals(cap, s.totalBytes());
            assertEquals(cap - 32 * 1024 - 2 * StorageEngine.OBJECT_CHARGE, s.freeBytes());
            long g = small.file(r, "g").fileId();
            assertErr(FsError.NOSPC, small.e.write(ROOT, g, 0, ByteBuffer.wrap(new byte[32 * 1024]), Stability.UNSTABLE));
            assertEquals(0, small.e.getattr(g).size());
            assertFalse(Files.exists(small.e.dataPathForTest(g)), "a refused write touches no data file");
            assertErr(FsError.NOSPC, small.e.setattr(ROOT, g, SetAttributes.NONE.withSize(40_000L), null));
            assertEquals(0, small.e.getattr(g).size());
            assertErr(FsError.NOSPC, small.e.create(ROOT, r, "big", CreateHow.GUARDED, SetAttributes.NONE.withSize(40_000L), 0));
            assertErr(FsError.NOENT, () -> small.e.lookup(ROOT, r, "big"));
            assertEquals(3, small.metrics.counter("storage.nospc").getCount());
            // everything else still works
            small.write(g, 0, new byte[16 * 1024], Stability.FILE_SYNC);
            assertEquals(16 * 1024, small.e.getattr(g).size());
            byte[] back = small.read(f, 0, 40_000);
            assertEquals(32 * 1024, back.length);
            get(small.e.remove(ROOT, r, "f"));
            small.write(g, 16 * 1024, new byte[32 * 1024], Stability.FILE_SYNC);
            assertEquals(48 * 1024, small.e.getattr(g).size());
            small.reopen();
            assertEquals(cap - 48 * 1024 - 2 * StorageEngine.OBJECT_CHARGE, small.e.fsstat().freeBytes());
        }
    }

    @Test void objectCountIsEnforced() throws Exception {
        try (Vol small = new Vol(tmp.resolve("small"), c -> c.withCapacity(1 << 30, 3))) {
            long r = small.root();
            small.file(r, "a");
            small.mkdir(r, "b");
            assertErr(FsError.NOSPC, small.e.create(ROOT, r, "c", CreateHow.GUARDED, SetAttributes.NONE, 0));
            assertEquals(0, small.e.fsstat().freeFiles());
            get(small.e.remove(ROOT, r, "a"));
            small.file(r, "c");
        }
    }

    @Test void aFullDiskUnderADataFileIsNospcAndChangesNothing() throws Exception {
        Path devFull = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(devFull), "/dev/full is needed");
        long f = v.file(root, "f").fileId();
        v.write(ROOT, f, 0, "keep", Stability.FILE_SYNC);
        long g = v.file(root, "g").fileId();
        Path p = v.e.dataPathForTest(g);
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, devFull);
        assertErr(FsError.NOSPC, v.e.write(ROOT, g, 0, ByteBuffer.wrap(new byte[4096]), Stability.FILE_SYNC));
        assertEquals(0, v.e.getattr(g).size());
        assertEquals(0, v.e.metaForTest().object(g).size());
        assertEquals("keep", v.readString(f, 0, 10));
        assertEquals(Vol.T0, v.e.getattr(g).mtimeNanos());
    }

    @Test void concurrentWritersToOneFileAllLand() throws Exception {
        long f = v.file(root, "f").fileId();
        int threads = 4, per = 50, block = 512;
        Thread[] ts = new Thread[threads];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            int me = t;
            ts[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < per; i++) {
                        byte[] b = new byte[block];
                        Arrays.fill(b, (byte) (me + 1));
                        long off = (long) (i * threads + me) * block;
                        get(v.e.write(ROOT, f, off, ByteBuffer.wrap(b), i % 5 == 0 ? Stability.FILE_SYNC : Stability.UNSTABLE));
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        if (failure[0] != null) throw new AssertionError(failure[0]);
        get(v.e.commit(f));
        Attributes a = v.e.getattr(f);
        assertEquals((long) threads * per * block, a.size());
        byte[] all = v.read(f, 0, (int) a.size());
        for (int i = 0; i < threads * per; i++) {
            assertEquals((byte) (i % threads + 1), all[i * block], "block " + i);
        }
        assertEquals(a.size(), v.e.metaForTest().object(f).size());
    }
}
