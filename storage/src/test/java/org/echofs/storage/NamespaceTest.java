package org.echofs.storage;

import static org.echofs.storage.Vol.ALICE;
import static org.echofs.storage.Vol.CAROL;
import static org.echofs.storage.Vol.ROOT;
import static org.echofs.storage.Vol.assertErr;
import static org.echofs.storage.Vol.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.Created;
import org.echofs.core.fs.CreateHow;
import org.echofs.core.fs.FileType;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.LinkResult;
import org.echofs.core.fs.RenameResult;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Wcc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Name operations: create, mkdir, symlink, mknod, lookup, remove, rmdir, link, rename (RFC 1813 sections 3.3.3-3.3.15). */
class NamespaceTest {

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

    @Test void rootIsAnEmptyDirectory() throws Exception {
        Attributes r = v.e.getattr(root);
        assertEquals(FileType.DIRECTORY, r.type());
        assertEquals(2, r.nlink());
        assertEquals(0777, r.mode());
        assertEquals(root, v.e.lookup(ROOT, root, "..").fileId());
        assertEquals(root, v.e.lookup(ROOT, root, ".").fileId());
    }

    @Test void createMakesAFileAndUpdatesTheDirectory() throws Exception {
        Attributes before = v.e.getattr(root);
        v.clock.advance(1_000_000);
        Created c = get(v.e.create(ALICE, root, "a", CreateHow.GUARDED, SetAttributes.NONE.withMode(0600), 0));
        Attributes a = c.object();
        assertEquals(FileType.REGULAR, a.type());
        assertEquals(0600, a.mode());
        assertEquals(1000, a.uid());
        assertEquals(1000, a.gid());
        assertEquals(1, a.nlink());
        assertEquals(0, a.size());
        assertEquals(Vol.T0 + 1_000_000, a.ctimeNanos());
        assertEquals(before.mtimeNanos(), c.dir().before().mtimeNanos());
        assertEquals(Vol.T0 + 1_000_000, c.dir().after().mtimeNanos());
        assertEquals(Vol.T0 + 1_000_000, c.dir().after().ctimeNanos());
        assertEquals(a, v.e.lookup(ALICE, root, "a"));
        assertEquals(a, v.e.getattr(a.fileId()));
    }

    @Test void guardedCreateOfAnExistingNameIsExist() throws Exception {
        v.file(root, "a");
        assertErr(FsError.EXIST, v.e.create(ROOT, root, "a", CreateHow.GUARDED, SetAttributes.NONE, 0));
    }

    @Test void uncheckedCreateOpensAnExistingFileAndAppliesTheSize() throws Exception {
        Attributes a = v.file(ALICE, root, "a");
        v.write(ALICE, a.fileId(), 0, "hello world", org.echofs.core.fs.Stability.FILE_SYNC);
        Created again = get(v.e.create(ALICE, root, "a", CreateHow.UNCHECKED, SetAttributes.NONE, 0));
        assertEquals(a.fileId(), again.object().fileId());
        assertEquals(11, again.object().size());
        Created truncated = get(v.e.create(ALICE, root, "a", CreateHow.UNCHECKED, SetAttributes.NONE.withSize(5L), 0));
        assertEquals(a.fileId(), truncated.object().fileId());
        assertEquals(5, v.e.getattr(a.fileId()).size());
        assertEquals("hello", v.readString(a.fileId(), 0, 100));
    }

    @Test void uncheckedCreateOverANonFileIsExist() throws Exception {
        v.mkdir(root, "d");
        assertErr(FsError.EXIST, v.e.create(ROOT, root, "d", CreateHow.UNCHECKED, SetAttributes.NONE, 0));
    }

    @Test void exclusiveCreateIsIdempotentForTheSameVerifier() throws Exception {
        Created first = get(v.e.create(ALICE, root, "x", CreateHow.EXCLUSIVE, SetAttributes.NONE, 0x1234));
        Created retry = get(v.e.create(ALICE, root, "x", CreateHow.EXCLUSIVE, SetAttributes.NONE, 0x1234));
        assertEquals(first.object().fileId(), retry.object().fileId());
        assertErr(FsError.EXIST, v.e.create(ALICE, root, "x", CreateHow.EXCLUSIVE, SetAttributes.NONE, 0x9999));
    }

    @Test void exclusiveCreateWithVerifierZeroIsIdempotentToo() throws Exception {
        Created first = get(v.e.create(ALICE, root, "x", CreateHow.EXCLUSIVE, SetAttributes.NONE, 0));
        Created retry = get(v.e.create(ALICE, root, "x", CreateHow.EXCLUSIVE, SetAttributes.NONE, 0));
        assertEquals(first.object().fileId(), retry.object().fileId());
        assertErr(FsError.EXIST, v.e.create(ALICE, root, "x", CreateHow.EXCLUSIVE, SetAttributes.NONE, 1));
        v.file(root, "plain");
        assertErr(FsError.EXIST, v.e.create(ALICE, root, "plain", CreateHow.EXCLUSIVE, SetAttributes.NONE, 0));
    }

    @Test void newNamesAreChecked() throws Exception {
        assertErr(FsError.EXIST, v.e.create(ROOT, root, ".", CreateHow.UNCHECKED, SetAttributes.NONE, 0));
        assertErr(FsError.EXIST, v.e.mkdir(ROOT, root, "..", SetAttributes.NONE));
        assertErr(FsError.INVAL, v.e.create(ROOT, root, "a/b", CreateHow.GUARDED, SetAttributes.NONE, 0));
        assertErr(FsError.INVAL, v.e.create(ROOT, root, "", CreateHow.GUARDED, SetAttributes.NONE, 0));
        assertErr(FsError.INVAL, v.e.create(ROOT, root, "a\0b", CreateHow.GUARDED, SetAttributes.NONE, 0));
        assertErr(FsError.NAMETOOLONG, v.e.create(ROOT, root, "x".repeat(256), CreateHow.GUARDED, SetAttributes.NONE, 0));
        assertErr(FsError.NAMETOOLONG, v.e.create(ROOT, root, "é".repeat(128), CreateHow.GUARDED, SetAttributes.NONE, 0));
        v.file(root, "x".repeat(255));
        v.file(root, "é".repeat(127));
        assertErr(FsError.NAMETOOLONG, () -> v.e.lookup(ROOT, root, "y".repeat(300)));
    }

    @Test void createNeedsWriteAndSearchPermissionOnTheDirectory() throws Exception {
        Attributes d = get(v.e.mkdir(ALICE, root, "private", SetAttributes.NONE.withMode(0755))).object();
        assertErr(FsError.ACCES, v.e.create(CAROL, d.fileId(), "f", CreateHow.GUARDED, SetAttributes.NONE, 0));
        assertErr(FsError.ACCES, v.e.mkdir(CAROL, d.fileId(), "sub", SetAttributes.NONE));
        get(v.e.create(ROOT, d.fileId(), "f", CreateHow.GUARDED, SetAttributes.NONE, 0));
    }

    @Test void operationsOnARemovedObjectAreStale() throws Exception {
        long id = v.file(root, "a").fileId();
        get(v.e.remove(ROOT, root, "a"));
        assertErr(FsError.STALE, () -> v.e.getattr(id));
        assertErr(FsError.STALE, v.e.setattr(ROOT, id, SetAttributes.NONE.withMode(0600), null));
        assertErr(FsError.STALE, v.e.create(ROOT, id, "x", CreateHow.GUARDED, SetAttributes.NONE, 0));
        assertErr(FsError.STALE, v.e.commit(id));
        assertErr(FsError.STALE, () -> v.e.getattr(987654321L));
    }

    @Test void createInAFileIsNotdir() throws Exception {
        long f = v.file(root, "f").fileId();
        assertErr(FsError.NOTDIR, v.e.create(ROOT, f, "x", CreateHow.GUARDED, SetAttributes.NONE, 0));
        assertErr(FsError.NOTDIR, () -> v.e.lookup(ROOT, f, "x"));
        assertErr(FsError.NOTDIR, () -> v.e.readdir(ROOT, f, 0, 0, 10, false));
    }

    @Test void mkdirCountsLinks() throws Exception {
        Attributes d = v.mkdir(root, "d");
        assertEquals(2, d.nlink());
        assertEquals(3, v.e.getattr(root).nlink());
        Attributes sub = v.mkdir(d.fileId(), "sub");
        assertEquals(3, v.e.getattr(d.fileId()).nlink());
        assertEquals(d.fileId(), v.e.lookup(ROOT, sub.fileId(), "..").fileId());
        v.file(d.fileId(), "f");
        assertEquals(3, v.e.getattr(d.fileId()).nlink());
    }

    @Test void mkdirInheritsTheSetgidGroup() throws Exception {
        Attributes d = get(v.e.mkdir(ROOT, root, "shared", new SetAttributes(02777, null, 500, null, null, null))).object();
        assertEquals(500, d.gid());
        Attributes f = v.file(ALICE, d.fileId(), "f");
        assertEquals(500, f.gid());
        Attributes sub = v.mkdir(ALICE, d.fileId(), "sub");
        assertEquals(500, sub.gid());
        assertEquals(02000, sub.mode() & 02000);
    }

    @Test void mkdirAndRenameAboveLinkMaxAreMlink() throws Exception {
        try (Vol small = new Vol(tmp.resolve("small"), c -> c.withLimits(1L << 40, 4))) {
            long r = small.root();
            long d = small.mkdir(r, "d").fileId();
            small.mkdir(d, "a");
            small.mkdir(d, "b");
            assertErr(FsError.MLINK, small.e.mkdir(ROOT, d, "c", SetAttributes.NONE));
            small.mkdir(r, "c");
            assertErr(FsError.MLINK, small.e.rename(ROOT, r, "c", d, "c"));
            small.file(d, "plain");
        }
    }

    @Test void symlinkStoresItsTarget() throws Exception {
        Attributes s = get(v.e.symlink(ALICE, root, "l", "../some/where", SetAttributes.NONE)).object();
        assertEquals(FileType.SYMLINK, s.type());
        assertEquals(13, s.size());
        assertEquals("../some/where", v.e.readlink(s.fileId()));
        long f = v.file(root, "f").fileId();
        assertErr(FsError.INVAL, () -> v.e.readlink(f));
        assertErr(FsError.NAMETOOLONG, v.e.symlink(ALICE, root, "long", "x".repeat(4097), SetAttributes.NONE));
        assertErr(FsError.EXIST, v.e.symlink(ALICE, root, "l", "t", SetAttributes.NONE));
    }

    @Test void mknodMakesSpecialFilesOnly() throws Exception {
        Attributes fifo = get(v.e.mknod(ALICE, root, "p", FileType.FIFO, SetAttributes.NONE.withMode(0600), 0, 0)).object();
        assertEquals(FileType.FIFO, fifo.type());
        Attributes sock = get(v.e.mknod(ALICE, root, "s", FileType.SOCKET, SetAttributes.NONE, 0, 0)).object();
        assertEquals(FileType.SOCKET, sock.type());
        Attributes chr = get(v.e.mknod(ROOT, root, "c", FileType.CHAR, SetAttributes.NONE, 4, 64)).object();
        assertEquals(4, chr.rdevMajor());
        assertEquals(64, chr.rdevMinor());
        Attributes blk = get(v.e.mknod(ROOT, root, "b", FileType.BLOCK, SetAttributes.NONE, 8, 1)).object();
        assertEquals(FileType.BLOCK, blk.type());
        assertErr(FsError.BADTYPE, v.e.mknod(ROOT, root, "r", FileType.REGULAR, SetAttributes.NONE, 0, 0));
        assertErr(FsError.BADTYPE, v.e.mknod(ROOT, root, "d", FileType.DIRECTORY, SetAttributes.NONE, 0, 0));
        assertErr(FsError.BADTYPE, v.e.mknod(ROOT, root, "l", FileType.SYMLINK, SetAttributes.NONE, 0, 0));
        assertErr(FsError.PERM, v.e.mknod(ALICE, root, "c2", FileType.CHAR, SetAttributes.NONE, 1, 3));
    }

    @Test void lookupNeedsSearchPermissionAndFindsNothingMissing() throws Exception {
        long d = get(v.e.mkdir(ALICE, root, "d", SetAttributes.NONE.withMode(0700))).object().fileId();
        v.file(d, "f");
        assertErr(FsError.ACCES, () -> v.e.lookup(CAROL, d, "f"));
        assertErr(FsError.NOENT, () -> v.e.lookup(ALICE, d, "g"));
        assertEquals(v.lookup(d, "f"), v.e.lookup(ALICE, d, "f").fileId());
    }

    @Test void removeDropsALinkAndDestroysAtZero() throws Exception {
        long f = v.file(root, "f").fileId();
        get(v.e.link(ROOT, f, root, "g"));
        assertEquals(2, v.e.getattr(f).nlink());
        v.clock.advance(5);
        Wcc w = get(v.e.remove(ROOT, root, "f"));
        assertEquals(Vol.T0 + 5, w.after().mtimeNanos());
        assertEquals(1, v.e.getattr(f).nlink());
        assertEquals(Vol.T0 + 5, v.e.getattr(f).ctimeNanos());
        assertErr(FsError.NOENT, () -> v.e.lookup(ROOT, root, "f"));
        get(v.e.remove(ROOT, root, "g"));
        assertErr(FsError.STALE, () -> v.e.getattr(f));
    }

    @Test void removeErrors() throws Exception {
        v.mkdir(root, "d");
        assertErr(FsError.NOENT, v.e.remove(ROOT, root, "nothing"));
        assertErr(FsError.ISDIR, v.e.remove(ROOT, root, "d"));
        assertErr(FsError.ISDIR, v.e.remove(ROOT, root, "."));
        long locked = get(v.e.mkdir(ALICE, root, "locked", SetAttributes.NONE.withMode(0555))).object().fileId();
        get(v.e.create(ROOT, locked, "f", CreateHow.GUARDED, SetAttributes.NONE, 0));
        assertErr(FsError.ACCES, v.e.remove(ALICE, locked, "f"));
    }

    @Test void stickyDirectoriesProtectOthersEntries() throws Exception {
        long tmpDir = get(v.e.mkdir(ROOT, root, "tmp", SetAttributes.NONE.withMode(01777))).object().fileId();
        v.file(ALICE, tmpDir, "alices");
        v.mkdir(ALICE, tmpDir, "alicedir");
        assertErr(FsError.PERM, v.e.remove(CAROL, tmpDir, "alices"));
        assertErr(FsError.PERM, v.e.rmdir(CAROL, tmpDir, "alicedir"));
        assertErr(FsError.PERM, v.e.rename(CAROL, tmpDir, "alices", tmpDir, "mine"));
        v.file(CAROL, tmpDir, "carols");
        assertErr(FsError.PERM, v.e.rename(CAROL, tmpDir, "carols", tmpDir, "alices"));
        get(v.e.remove(ALICE, tmpDir, "alices"));
        get(v.e.rmdir(ROOT, tmpDir, "alicedir"));
    }

    @Test void rmdirRules() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        v.file(d, "f");
        v.file(root, "plain");
        assertErr(FsError.NOTEMPTY, v.e.rmdir(ROOT, root, "d"));
        assertErr(FsError.NOTDIR, v.e.rmdir(ROOT, root, "plain"));
        assertErr(FsError.NOENT, v.e.rmdir(ROOT, root, "none"));
        assertErr(FsError.INVAL, v.e.rmdir(ROOT, d, "."));
        assertErr(FsError.NOTEMPTY, v.e.rmdir(ROOT, d, ".."));
        get(v.e.remove(ROOT, d, "f"));
        assertEquals(3, v.e.getattr(root).nlink());
        get(v.e.rmdir(ROOT, root, "d"));
        assertEquals(2, v.e.getattr(root).nlink());
        assertErr(FsError.STALE, () -> v.e.getattr(d));
    }

    @Test void linkRules() throws Exception {
        long f = v.file(root, "f").fileId();
        long d = v.mkdir(root, "d").fileId();
        LinkResult l = get(v.e.link(ROOT, f, d, "f2"));
        assertEquals(2, l.file().nlink());
        assertEquals(f, v.lookup(d, "f2"));
        assertErr(FsError.ISDIR, v.e.link(ROOT, d, root, "d2"));
        assertErr(FsError.EXIST, v.e.link(ROOT, f, root, "d"));
        assertErr(FsError.EXIST, v.e.link(ROOT, f, root, "."));
        assertErr(FsError.NOTDIR, v.e.link(ROOT, f, f, "x"));
        assertErr(FsError.ACCES, v.e.link(CAROL, f, get(v.e.mkdir(ALICE, root, "ro", SetAttributes.NONE.withMode(0555)))
                .object().fileId(), "x"));
    }

    @Test void linkAboveLinkMaxIsMlink() throws Exception {
        try (Vol small = new Vol(tmp.resolve("small"), c -> c.withLimits(1L << 40, 3))) {
            long r = small.root();
            long f = small.file(r, "f").fileId();
            get(small.e.link(ROOT, f, r, "f2"));
            get(small.e.link(ROOT, f, r, "f3"));
            assertErr(FsError.MLINK, small.e.link(ROOT, f, r, "f4"));
            assertEquals(3, small.e.getattr(f).nlink());
        }
    }

    @Test void renameMovesAndReplaces() throws Exception {
        long a = v.mkdir(root, "a").fileId();
        long b = v.mkdir(root, "b").fileId();
        long f = v.file(a, "f").fileId();
        RenameResult r = get(v.e.rename(ROOT, a, "f", b, "g"));
        assertEquals(f, v.lookup(b, "g"));
        assertErr(FsError.NOENT, () -> v.e.lookup(ROOT, a, "f"));
        assertEquals(a, r.fromDir().after().fileId());
        long old = v.file(b, "old").fileId();
        get(v.e.rename(ROOT, b, "g", b, "old"));
        assertEquals(f, v.lookup(b, "old"));
        assertErr(FsError.STALE, () -> v.e.getattr(old));
        long sub = v.mkdir(a, "sub").fileId();
        assertEquals(3, v.e.getattr(a).nlink());
        get(v.e.rename(ROOT, a, "sub", b, "sub"));
        assertEquals(2, v.e.getattr(a).nlink());
        assertEquals(3, v.e.getattr(b).nlink());
        assertEquals(b, v.e.lookup(ROOT, sub, "..").fileId());
        long empty = v.mkdir(a, "empty").fileId();
        get(v.e.rename(ROOT, b, "sub", a, "empty"));
        assertErr(FsError.STALE, () -> v.e.getattr(empty));
        assertEquals(3, v.e.getattr(a).nlink());
        assertEquals(2, v.e.getattr(b).nlink());
        assertEquals(a, v.e.lookup(ROOT, sub, "..").fileId());
    }

    @Test void renameErrors() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        long sub = v.mkdir(d, "sub").fileId();
        long deeper = v.mkdir(sub, "deeper").fileId();
        v.file(root, "f");
        v.mkdir(root, "full");
        v.file(v.lookup(root, "full"), "x");
        v.mkdir(root, "empty");
        assertErr(FsError.ISDIR, v.e.rename(ROOT, root, "f", root, "empty"));
        assertErr(FsError.NOTDIR, v.e.rename(ROOT, root, "empty", root, "f"));
        assertErr(FsError.NOTEMPTY, v.e.rename(ROOT, root, "empty", root, "full"));
        assertErr(FsError.INVAL, v.e.rename(ROOT, root, "d", deeper, "d"));
        assertErr(FsError.INVAL, v.e.rename(ROOT, root, "d", d, "d2"));
        assertErr(FsError.INVAL, v.e.rename(ROOT, d, ".", root, "x"));
        assertErr(FsError.INVAL, v.e.rename(ROOT, d, "..", root, "x"));
        assertErr(FsError.INVAL, v.e.rename(ROOT, root, "f", root, "."));
        assertErr(FsError.NOENT, v.e.rename(ROOT, root, "missing", root, "x"));
        assertErr(FsError.NOTDIR, v.e.rename(ROOT, v.lookup(root, "f"), "a", root, "x"));
        assertErr(FsError.NAMETOOLONG, v.e.rename(ROOT, root, "f", root, "z".repeat(256)));
        assertEquals(sub, v.lookup(d, "sub"));
    }

    @Test void renameOntoAnotherNameOfTheSameFileChangesNothing() throws Exception {
        long f = v.file(root, "f").fileId();
        get(v.e.link(ROOT, f, root, "g"));
        get(v.e.rename(ROOT, root, "f", root, "g"));
        assertEquals(f, v.lookup(root, "f"));
        assertEquals(f, v.lookup(root, "g"));
        assertEquals(2, v.e.getattr(f).nlink());
        get(v.e.rename(ROOT, root, "f", root, "f"));
        assertEquals(f, v.lookup(root, "f"));
    }

    @Test void renameOfADirectoryToAnotherParentNeedsWriteOnIt() throws Exception {
        long a = get(v.e.mkdir(ALICE, root, "a", SetAttributes.NONE.withMode(0777))).object().fileId();
        long b = get(v.e.mkdir(ALICE, root, "b", SetAttributes.NONE.withMode(0777))).object().fileId();
        get(v.e.mkdir(ALICE, a, "ro", SetAttributes.NONE.withMode(0555)));
        assertErr(FsError.ACCES, v.e.rename(CAROL, a, "ro", b, "ro"));
        get(v.e.rename(CAROL, a, "ro", a, "renamed")); // same parent: no '..' change
        assertErr(FsError.ACCES, v.e.rename(ALICE, a, "renamed", b, "ro")); // the owner lacks w as well
        get(v.e.rename(ROOT, a, "renamed", b, "ro"));
    }

    @Test void objectIdsAreNeverReused() throws Exception {
        long a = v.file(root, "a").fileId();
        get(v.e.remove(ROOT, root, "a"));
        long b = v.file(root, "b").fileId();
        assertNotEquals(a, b);
        assertTrue(b > a);
    }
}
