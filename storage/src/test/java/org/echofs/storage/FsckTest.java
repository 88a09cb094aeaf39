package org.echofs.storage;

import static org.echofs.storage.Vol.ROOT;
import static org.echofs.storage.Vol.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.echofs.core.fs.FileType;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fsck finds damage and passes healthy volumes. */
class FsckTest {

    @TempDir Path tmp;

    private Vol populated(Path dir) throws Exception {
        Vol v = new Vol(dir);
        long r = v.root();
        long a = v.mkdir(r, "a").fileId();
        long b = v.mkdir(a, "b").fileId();
        long f = v.file(b, "f").fileId();
        v.write(f, 0, "content".getBytes(StandardCharsets.UTF_8), Stability.FILE_SYNC);
        get(v.e.link(ROOT, f, r, "f-link"));
        get(v.e.symlink(ROOT, a, "s", "b/f", SetAttributes.NONE));
        get(v.e.mknod(ROOT, r, "fifo", FileType.FIFO, SetAttributes.NONE, 0, 0));
        long g = v.file(r, "g").fileId();
        v.write(g, 0, new byte[5000], Stability.UNSTABLE);
        get(v.e.rename(ROOT, a, "b", r, "b-moved"));
        v.file(r, "gone");
        get(v.e.remove(ROOT, r, "gone"));
        return v;
    }

    @Test void aHealthyVolumeIsClean() throws Exception {
        Path dir = tmp.resolve("vol");
        populated(dir).close();
        FsckReport report = new Fsck().check(dir);
        assertTrue(report.isClean(), report.toText());
        assertEquals(7, report.objects());
        assertEquals(2, report.dataFiles());
        assertTrue(report.toText().contains("clean"), report.toText());
    }

    @Test void replaysTheLogOfACrashedVolumeFirst() throws Exception {
        Path dir = tmp.resolve("vol");
        Vol v = populated(dir);
        v.e.crashForTest();
        FsckReport report = new Fsck().check(dir);
        assertTrue(report.replayedRecords() > 0);
        // Unstable bytes of g beyond its committed size: a crash leftover that start-up cuts, not damage.
        assertTrue(report.isClean(), report.toText());
        assertFalse(report.leftovers().isEmpty(), report.toText());
        assertTrue(report.leftovers().stream().allMatch(p -> p.kind() == FsckReport.Kind.DATA_FILE_TOO_LONG),
                report.toText());
        assertTrue(report.toText().contains("crash leftover"), report.toText());
        try (Vol again = new Vol(dir)) {
            assertEquals(0, again.e.getattr(again.lookup(again.root(), "g")).size());
        }
        FsckReport after = new Fsck().check(dir);
        assertTrue(after.isClean(), after.toText());
        assertTrue(after.leftovers().isEmpty(), "start-up removed the leftovers: " + after.toText());
    }

    @Test void findsInjectedDamage() throws Exception {
        Path dir = tmp.resolve("vol");
        long f, b, dataId;
        try (Vol v = populated(dir)) {
            long r = v.root();
            f = v.lookup(v.lookup(r, "b-moved"), "f");
            b = v.lookup(r, "b-moved");
            long a = v.lookup(r, "a");
            dataId = v.lookup(r, "g");
            MetaStore m = v.e.metaForTest();
            ObjRow fr = m.object(f);
            m.putObjectForTest(fr.withNlink(5));
            m.putEntryForTest(r, "dangling", 424242, 1000);
            m.putObjectForTest(m.object(r).withNextCookie(2000));
            m.putObjectForTest(new ObjRow(777000, 1, FileType.REGULAR, 0644, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, null, 0));
            m.putObjectForTest(m.object(b).withParent(a));
            m.setCounter(MetaStore.NEXT_OBJECT_ID, 5);
        }
        Path orphanData = dir.resolve("data/ff/00/00000000000000ff");
        Files.createDirectories(orphanData.getParent());
        Files.write(orphanData, new byte[3]);
        Path gData = dir.resolve("data").resolve(String.format("%02x/%02x/%016x", dataId & 0xff, (dataId >> 8) & 0xff, dataId));
        Files.write(gData, new byte[6000]);

        FsckReport report = new Fsck().check(dir);
        assertFalse(report.isClean());
        String text = report.toText();
        assertEquals(1, report.problems(FsckReport.Kind.WRONG_NLINK).size(), text);
        assertEquals(f, report.problems(FsckReport.Kind.WRONG_NLINK).get(0).objectId());
        assertEquals(1, report.problems(FsckReport.Kind.DANGLING_ENTRY).size(), text);
        assertEquals(424242, report.problems(FsckReport.Kind.DANGLING_ENTRY).get(0).objectId());
        assertEquals(1, report.problems(FsckReport.Kind.ORPHAN_OBJECT).size(), text);
        assertEquals(777000, report.problems(FsckReport.Kind.ORPHAN_OBJECT).get(0).objectId());
        assertEquals(1, report.problems(FsckReport.Kind.WRONG_PARENT).size(), text);
        assertEquals(b, report.problems(FsckReport.Kind.WRONG_PARENT).get(0).objectId());
        assertTrue(report.problems(FsckReport.Kind.ID_BEYOND_NEXT).size() >= 2, text);
        assertEquals(1, report.problems(FsckReport.Kind.ORPHAN_DATA_FILE).size(), text);
        assertEquals(1, report.problems(FsckReport.Kind.DATA_FILE_TOO_LONG).size(), text);
        assertTrue(report.leftovers().isEmpty(), "after a clean shutdown stray data is damage: " + text);
        assertTrue(text.contains("WRONG_NLINK object " + f + ": link count 5, expected 2"), text);
    }

    @Test void findsAnUnreachableCycle() throws Exception {
        Path dir = tmp.resolve("vol");
        try (Vol v = new Vol(dir)) {
            long x = v.mkdir(v.root(), "x").fileId();
            long y = v.mkdir(x, "y").fileId();
            MetaStore m = v.e.metaForTest();
            // detach x from the root and hang it below its own child
            m.removeEntryForTest(v.root(), "x");
            m.putEntryForTest(y, "x", x, 3);
            m.putObjectForTest(m.object(y).withNextCookie(4).withNlink(3));
            m.putObjectForTest(m.object(x).withParent(y));
            m.putObjectForTest(m.object(v.root()).withNlink(2));
        }
        FsckReport report = new Fsck().check(dir);
        assertEquals(2, report.problems(FsckReport.Kind.UNREACHABLE_OBJECT).size(), report.toText());
        assertEquals(2, report.problems().size(), report.toText());
    }

    @Test void findsACookieIndexThatDisagreesWithTheEntries() throws Exception {
        Path dir = tmp.resolve("vol");
        try (Vol v = new Vol(dir)) {
            long f = v.file(v.root(), "f").fileId();
            v.e.metaForTest().putEntryForTest(v.root(), "f", f, 3); // same name, second index entry
            v.e.metaForTest().putObjectForTest(v.e.metaForTest().object(v.root()).withNextCookie(9));
            v.e.metaForTest().putEntryForTest(v.root(), "f", f, 7);
        }
        FsckReport report = new Fsck().check(dir);
        assertFalse(report.problems(FsckReport.Kind.BAD_COOKIE).isEmpty(), report.toText());
    }

    @Test void refusesSomethingThatIsNotAVolume() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> new Fsck().check(tmp.resolve("empty")));
        assertTrue(e.getMessage().contains("not an echofs volume"), e.getMessage());
    }
}
