package org.echofs.storage;

import static org.echofs.storage.Vol.ROOT;
import static org.echofs.storage.Vol.assertErr;
import static org.echofs.storage.Vol.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.CreateHow;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;
import org.echofs.core.fs.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up after crashes: log replay, torn tails, data file reconciliation, id reservation. */
class RecoveryTest {

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

    private long replayed() {
        return v.metrics.counter("storage.replayed-records").getCount();
    }

    @Test void acknowledgedUpdatesSurviveACrashWithTheMetadataBehindTheLog() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        long f = v.file(d, "f").fileId();
        v.write(f, 0, "stable data".getBytes(StandardCharsets.UTF_8), Stability.FILE_SYNC);
        get(v.e.link(ROOT, f, root, "f-link"));
        get(v.e.rename(ROOT, d, "f", root, "f-moved"));
        get(v.e.setattr(ROOT, f, SetAttributes.NONE.withMode(0600), null));
        long g = v.file(root, "g").fileId();
        get(v.e.symlink(ROOT, root, "sym", "f-moved", SetAttributes.NONE));
        get(v.e.remove(ROOT, root, "g"));
        Attributes before = v.e.getattr(f);
        Attributes rootBefore = v.e.getattr(root);
        v.crashAndReopen();
        assertTrue(replayed() > 0, "the metadata was behind the log and got replayed");
        assertEquals(before, v.e.getattr(f));
        assertEquals(rootBefore, v.e.getattr(root));
        assertEquals(f, v.lookup(root, "f-moved"));
        assertEquals(f, v.lookup(root, "f-link"));
        assertErr(FsError.NOENT, () -> v.e.lookup(ROOT, d, "f"));
        assertErr(FsError.STALE, () -> v.e.getattr(g));
        assertEquals("f-moved", v.e.readlink(v.lookup(root, "sym")));
        assertEquals("stable data", v.readString(f, 0, 100));
    }

    @Test void unstableWritesBeyondTheCommittedSizeVanishCleanly() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(f, 0, "committed".getBytes(StandardCharsets.UTF_8), Stability.FILE_SYNC);
        v.write(f, 100, "unstable tail".getBytes(StandardCharsets.UTF_8), Stability.UNSTABLE);
        assertEquals(113, v.e.getattr(f).size());
        v.crashAndReopen();
        assertEquals(9, v.e.getattr(f).size());
        assertEquals(9, Files.size(v.e.dataPathForTest(f)), "the data file was cut back to the size");
        get(v.e.setattr(ROOT, f, SetAttributes.NONE.withSize(120L), null));
        byte[] all = v.read(f, 0, 200);
        for (int i = 9; i < 120; i++) assertEquals(0, all[i], "byte " + i + " of the gap is zero");
    }

    @Test void reconciliationCutsLongDataFilesAndDeletesOrphans() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(f, 0, new byte[100], Stability.FILE_SYNC);
        long dead = v.file(root, "dead").fileId();
        v.write(dead, 0, new byte[10], Stability.FILE_SYNC);
        Path deadData = v.e.dataPathForTest(dead);
        Path fData = v.e.dataPathForTest(f);
        get(v.e.remove(ROOT, root, "dead"));
        v.e.crashForTest();
        // damage as a crash could leave it: a longer data file, an orphan of a removed object
        Files.createDirectories(deadData.getParent());
        Files.write(deadData, new byte[10]);
        try (FileChannel ch = FileChannel.open(fData, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[50]), 100);
        }
        assertEquals(150, Files.size(fData));
        v.metrics = new com.codahale.metrics.MetricRegistry();
        v.e = StorageEngine.open(v.config, v.engineClock, v.metrics);
        assertEquals(100, Files.size(fData));
        assertFalse(Files.exists(deadData));
        assertEquals(1, v.metrics.counter("storage.reconciled.truncated").getCount());
        assertEquals(1, v.metrics.counter("storage.reconciled.deleted").getCount());
    }

    @Test void aCleanCloseNeedsNoReplayAndNoReconciliation() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(f, 0, "unstable".getBytes(StandardCharsets.UTF_8), Stability.UNSTABLE);
        v.reopen();
        assertEquals(0, replayed());
        assertEquals("unstable", v.readString(f, 0, 100), "a clean close makes unstable writes stable");
        assertEquals(0, v.metrics.counter("storage.reconciled.truncated").getCount());
    }

    /** The end of the written part of the newest log segment. */
    private static Path newestSegment(Path log) throws IOException {
        try (Stream<Path> s = Files.list(log)) {
            return s.filter(p -> p.getFileName().toString().startsWith("seg-")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    private static long logEnd(Path segment) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            long pos = 32;
            ByteBuffer b = ByteBuffer.allocate(4);
            while (true) {
                b.clear();
                ch.read(b, pos);
                int len = b.flip().getInt();
                if (len == 0) return pos;
                pos += 16 + len;
            }
        }
    }

    @Test void aTornRecordAtTheTailEndsTheLog() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(f, 0, "abc".getBytes(StandardCharsets.UTF_8), Stability.FILE_SYNC);
        v.e.crashForTest();
        Path seg = newestSegment(tmp.resolve("vol/log"));
        long end = logEnd(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ByteBuffer torn = ByteBuffer.allocate(40);
            torn.putInt(200).putInt(0xdeadbeef).putLong(999_999).put(new byte[] {1, 2, 3, 4, 5}).flip();
            ch.write(torn, end);
        }
        v.metrics = new com.codahale.metrics.MetricRegistry();
        v.e = StorageEngine.open(v.config, v.engineClock, v.metrics);
        assertEquals(end, logEnd(seg), "the torn bytes were erased");
        assertEquals("abc", v.readString(f, 0, 10));
        long g = v.file(root, "g").fileId();
        v.crashAndReopen();
        assertEquals(g, v.lookup(root, "g"));
        assertEquals(f, v.lookup(root, "f"));
    }

    @Test void aCorruptedLastRecordIsDroppedAndEverythingBeforeItKept() throws Exception {
        v.file(root, "a");
        v.file(root, "b");
        v.e.crashForTest();
        Path seg = newestSegment(tmp.resolve("vol/log"));
        long end = logEnd(seg);
        // find the last frame and flip a byte of its payload, as a torn write of it would
        long pos = 32, last = -1;
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            while (pos < end) {
                b.clear();
                ch.read(b, pos);
                last = pos;
                pos += 16 + b.flip().getInt();
            }
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, last + 20);
            one.put(0, (byte) (one.get(0) ^ 0x55)).rewind();
            ch.write(one, last + 20);
        }
        v.metrics = new com.codahale.metrics.MetricRegistry();
        v.e = StorageEngine.open(v.config, v.engineClock, v.metrics);
        assertEquals(last, logEnd(seg));
        v.lookup(root, "a");
        assertErr(FsError.NOENT, () -> v.e.lookup(ROOT, root, "b"));
        FsckReport r;
        v.e.close();
        r = new Fsck().check(tmp.resolve("vol"));
        assertTrue(r.isClean(), r.toText());
        v.e = StorageEngine.open(v.config, v.engineClock, v.metrics = new com.codahale.metrics.MetricRegistry());
    }

    @Test void aCrashRightAfterATruncateOrRemoveLeavesTheOldOrTheNewStateNeverAMix() throws Exception {
        byte[] pattern = new byte[8192];
        for (int i = 0; i < pattern.length; i++) pattern[i] = (byte) (i * 13 + 1);
        for (int round = 0; round < 15; round++) {
            long t = v.file(root, "t" + round).fileId();
            long gone = v.file(root, "gone" + round).fileId();
            v.write(t, 0, pattern, Stability.FILE_SYNC);
            v.write(gone, 0, pattern, Stability.FILE_SYNC);
            v.e.setattr(ROOT, t, SetAttributes.NONE.withSize(100L), null); // not waited for
            v.e.remove(ROOT, root, "gone" + round);
            v.crashAndReopen();
            long size = v.e.getattr(t).size();
            if (size == 8192) {
                assertArrayEquals(pattern, v.read(t, 0, 8192), "round " + round + ": the truncate was lost, the data not");
            } else {
                assertEquals(100, size);
                assertArrayEquals(java.util.Arrays.copyOf(pattern, 100), v.read(t, 0, 8192));
            }
            try {
                long id = v.lookup(root, "gone" + round);
                assertEquals(gone, id);
                assertArrayEquals(pattern, v.read(gone, 0, 8192), "round " + round + ": the remove was lost, the data not");
            } catch (org.echofs.core.fs.FsException e) {
                assertEquals(FsError.NOENT, e.error());
            }
        }
    }

    @Test void objectIdsAreNotReusedAfterACrash() throws Exception {
        long a = v.file(root, "a").fileId();
        v.crashAndReopen();
        long b = v.file(root, "b").fileId();
        assertTrue(b > a);
        assertTrue(b - a >= StorageEngine.ID_BLOCK - 2, "a restart continues after the reserved block");
        v.reopen();
        long c = v.file(root, "c").fileId();
        assertTrue(c > b);
        assertTrue(v.e.getattr(c).generation() > v.e.getattr(a).generation());
    }

    @Test void logSegmentsRollAndCheckpointsDeleteOldOnes() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            pending.add(v.e.create(ROOT, d, "file-with-a-longish-name-" + i, CreateHow.GUARDED, SetAttributes.NONE, 0));
        }
        for (CompletableFuture<?> p : pending) get(p);
        Path log = tmp.resolve("vol/log");
        assertTrue(v.metrics.counter("storage.log.rolls").getCount() >= 2, "6000 creates fill several 256 KiB segments");
        v.e.checkpoint();
        assertEquals(1, segments(log));
        for (int i = 0; i < 100; i++) get(v.e.remove(ROOT, d, "file-with-a-longish-name-" + i));
        v.crashAndReopen();
        assertEquals(5900, v.e.readdir(ROOT, d, 2, 0, 10000, false).entries().size());
        assertTrue(Files.exists(log.resolve("spare.log")));
    }

    private static long segments(Path log) throws IOException {
        try (Stream<Path> s = Files.list(log)) {
            return s.filter(p -> p.getFileName().toString().startsWith("seg-")).count();
        }
    }

    @Test void aFullLogRefusesUpdatesWithNospcUntilSpaceReturns() throws Exception {
        Path log = tmp.resolve("vol/log");
        Path blocker = log.resolve("spare.tmp");
        long d = v.mkdir(root, "d").fileId();
        Files.createDirectories(blocker);
        Files.write(blocker.resolve("x"), new byte[1]); // the next preallocation cannot make its file
        FsError seen = null;
        int made = 0;
        for (int i = 0; i < 20000 && seen == null; i++) {
            CompletableFuture<?> c = v.e.create(ROOT, d, "n" + i, CreateHow.GUARDED, SetAttributes.NONE, 0);
            try {
                get(c);
                made++;
            } catch (org.echofs.core.fs.FsException e) {
                seen = e.error();
            }
        }
        assertEquals(FsError.NOSPC, seen);
        assertTrue(made > 1000, "the spare segment was used first");
        assertTrue(v.metrics.counter("storage.log.prealloc-failures").getCount() > 0);
        assertEquals(made + 2, v.e.readdir(ROOT, d, 0, 0, 100000, false).entries().size(), "reads still work");
        assertErr(FsError.NOSPC, v.e.mkdir(ROOT, root, "x", SetAttributes.NONE));
        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        v.e.checkpoint(); // retries the preallocation
        v.mkdir(root, "x");
        v.crashAndReopen();
        assertEquals(made + 2, v.e.readdir(ROOT, d, 0, 0, 100000, false).entries().size());
        v.lookup(root, "x");
    }

    @Test void aStableWriteAfterAnUnstableOneCoversBoth() throws Exception {
        long f = v.file(root, "f").fileId();
        v.write(f, 0, "one".getBytes(StandardCharsets.UTF_8), Stability.UNSTABLE);
        WriteResult w = get(v.e.write(ROOT, f, 3, ByteBuffer.wrap("two".getBytes(StandardCharsets.UTF_8)), Stability.FILE_SYNC));
        assertEquals(Stability.FILE_SYNC, w.committed());
        v.crashAndReopen();
        assertArrayEquals("onetwo".getBytes(StandardCharsets.UTF_8), v.read(f, 0, 10));
    }

    @Test void refusesADirectoryThatIsNotAVolumeOrTooNewOrInUse() throws Exception {
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("notes.txt"), "hello");
        IOException notVolume = assertThrows(IOException.class,
                () -> StorageEngine.open(StorageConfig.defaults(other), new SystemClock(), new com.codahale.metrics.MetricRegistry()));
        assertTrue(notVolume.getMessage().contains("not an echofs volume"), notVolume.getMessage());
        assertFalse(Files.exists(other.resolve("LOCK")), "nothing was written into it");

        IOException inUse = assertThrows(IOException.class,
                () -> StorageEngine.open(v.config, new SystemClock(), new com.codahale.metrics.MetricRegistry()));
        assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());
        IOException fsckInUse = assertThrows(IOException.class, () -> new Fsck().check(tmp.resolve("vol")));
        assertTrue(fsckInUse.getMessage().contains("in use"), fsckInUse.getMessage());

        v.e.close();
        Path props = tmp.resolve("vol/volume.properties");
        Files.writeString(props, Files.readString(props).replace("format.version=1", "format.version=7"));
        IOException tooNew = assertThrows(IOException.class,
                () -> StorageEngine.open(v.config, new SystemClock(), new com.codahale.metrics.MetricRegistry()));
        assertTrue(tooNew.getMessage().contains("format version 7"), tooNew.getMessage());
        Files.writeString(props, Files.readString(props).replace("format.version=7", "format.version=1"));
        v.e = StorageEngine.open(v.config, v.engineClock, v.metrics = new com.codahale.metrics.MetricRegistry());
    }
}
