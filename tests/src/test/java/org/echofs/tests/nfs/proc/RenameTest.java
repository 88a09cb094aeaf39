package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.nfs.fixture.WallClock;
import org.echofs.tests.nfs.fixture.DirChecks;
import org.echofs.tests.nfs.fixture.HandleChecks;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * RENAME (RFC 1813 section 3.3.14) with POSIX rename(2) rules. Errors: NOENT, EXIST or ISDIR
 * (file over directory) and EXIST or NOTDIR (directory over file) where the RFC says EXIST and
 * POSIX says ISDIR/NOTDIR, NOTEMPTY, INVAL (a directory into its own subtree), XDEV, NOTDIR,
 * ACCES, NAMETOOLONG, ROFS, STALE, BADHANDLE (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class RenameTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    RenameTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void withinADirectory() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "old", new byte[] {4, 2});
        Fattr before = env.getattr(dir);
        long t0 = WallClock.now();
        RenameResult r = await(c.rename(dir, "old", dir, "new"));
        expect(OK, r.status());
        DirChecks.changed(env, dir, before, r.from(), t0);
        DirChecks.changed(env, dir, before, r.to(), t0);
        expect(NOENT, await(c.lookup(dir, "old")).status());
        assertArrayEquals(fh, env.lookup(dir, "new"), "handles name objects, not paths: still valid");
        assertArrayEquals(new byte[] {4, 2}, await(c.read(fh, 0, 10)).data());
    }

    @Test
    void directoryAcrossDirectories() throws IOException {
        byte[] top = env.scratch();
        byte[] a = env.mkdir(top, "a", 0755);
        byte[] b = env.mkdir(top, "b", 0755);
        byte[] moved = env.mkdir(a, "m", 0755);
        Fattr oldA = env.getattr(a);
        Fattr oldB = env.getattr(b);
        long t0 = WallClock.now();
        RenameResult r = await(c.rename(a, "m", b, "m2"));
        expect(OK, r.status());
        DirChecks.changed(env, a, oldA, r.from(), t0);
        DirChecks.changed(env, b, oldB, r.to(), t0);
        assertEquals(oldA.nlink() - 1, r.from().after().nlink(), "the old parent loses the '..' link");
        assertEquals(oldB.nlink() + 1, r.to().after().nlink(), "the new parent gains it");
        LookupResult up = await(c.lookup(moved, ".."));
        assertArrayEquals(b, up.handle(), "'..' of the moved directory is its new parent");
    }

    @Test
    void overAnExistingFile() throws IOException {
        byte[] dir = env.scratch();
        byte[] src = env.file(dir, "src", new byte[] {1});
        byte[] dst = env.file(dir, "dst", new byte[] {2, 2});
        expect(OK, await(c.rename(dir, "src", dir, "dst")).status());
        assertArrayEquals(src, env.lookup(dir, "dst"));
        expect(STALE, await(c.getattr(dst)).status(), "the replaced file had no other name");
        expect(NOENT, await(c.lookup(dir, "src")).status());
    }

    @Test
    void overATargetWithAnotherName() throws IOException {
        byte[] dir = env.scratch();
        env.file(dir, "src", 0644);
        byte[] dst = env.file(dir, "dst", new byte[] {2});
        expect(OK, await(c.link(dst, dir, "keep")).status());
        Fattr before = env.getattr(dst);
        expect(OK, await(c.rename(dir, "src", dir, "dst")).status());
        Fattr after = env.getattr(dst);
        assertEquals(1, after.nlink(), "the replaced file lost one name and kept the other");
        assertTrue(after.ctime() > before.ctime(), "a link count change moves ctime");
        assertArrayEquals(new byte[] {2}, await(c.read(env.lookup(dir, "keep"), 0, 10)).data());
    }

    @Test
    void directoryOverAnEmptyDirectoryElsewhere() throws IOException {
        byte[] top = env.scratch();
        byte[] a = env.mkdir(top, "a", 0755);
        byte[] b = env.mkdir(top, "b", 0755);
        env.mkdir(a, "m", 0755);
        env.mkdir(b, "m", 0755);
        int aLinks = env.getattr(a).nlink(), bLinks = env.getattr(b).nlink();
        expect(OK, await(c.rename(a, "m", b, "m")).status());
        assertEquals(aLinks - 1, env.getattr(a).nlink());
        assertEquals(bLinks, env.getattr(b).nlink(), "one subdirectory replaced by another");
    }

    @Test
    void overAnEmptyDirectoryButNotAFullOne() throws IOException {
        byte[] dir = env.scratch();
        byte[] src = env.mkdir(dir, "src", 0755);
        byte[] empty = env.mkdir(dir, "empty", 0755);
        byte[] full = env.mkdir(dir, "full", 0755);
        env.file(full, "f", 0644);
        Fattr old = env.getattr(dir);
        RenameResult r = await(c.rename(dir, "src", dir, "full"));
        expect(NOTEMPTY, r.status(), "the target directory has entries");
        DirChecks.unchanged(env, dir, old, r.from());
        DirChecks.unchanged(env, dir, old, r.to());
        expect(OK, await(c.rename(dir, "src", dir, "empty")).status(), "an empty target directory is replaced");
        assertArrayEquals(src, env.lookup(dir, "empty"));
        expect(STALE, await(c.getattr(empty)).status());
        assertEquals(old.nlink() - 1, env.getattr(dir).nlink(), "one subdirectory fewer");
    }

    @Test
    void typesMustAgree() throws IOException {
        byte[] dir = env.scratch();
        env.file(dir, "f", 0644);
        env.mkdir(dir, "d", 0755);
        Fattr old = env.getattr(dir);
        RenameResult fileOverDir = await(c.rename(dir, "f", dir, "d"));
        expectOneOf(fileOverDir.status(), "a file over a directory", EXIST, ISDIR);
        RenameResult dirOverFile = await(c.rename(dir, "d", dir, "f"));
        expectOneOf(dirOverFile.status(), "a directory over a file", EXIST, NOTDIR);
        DirChecks.unchanged(env, dir, old, dirOverFile.to());
        assertEquals(Nfs3Client.NF3REG, await(c.lookup(dir, "f")).object().type());
        assertEquals(Nfs3Client.NF3DIR, await(c.lookup(dir, "d")).object().type());
    }

    @Test
    void aDirectoryCannotMoveIntoItself() throws IOException {
        byte[] dir = env.scratch();
        byte[] a = env.mkdir(dir, "a", 0755);
        byte[] b = env.mkdir(a, "b", 0755);
        byte[] c2 = env.mkdir(b, "c", 0755);
        expect(INVAL, await(c.rename(dir, "a", c2, "a")).status(), "into a grandchild");
        expect(INVAL, await(c.rename(dir, "a", a, "a")).status(), "into itself");
        assertArrayEquals(a, env.lookup(dir, "a"));
    }

    @Test
    void sameObjectIsANoOp() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "a", 0644);
        expect(OK, await(c.link(fh, dir, "b")).status());
        Fattr old = env.getattr(dir);
        RenameResult r = await(c.rename(dir, "a", dir, "b"));
        expect(OK, r.status(), "POSIX: two names of one file, rename does nothing and succeeds");
        assertEquals(old, r.from().after());
        assertArrayEquals(fh, env.lookup(dir, "a"), "both names stay");
        assertArrayEquals(fh, env.lookup(dir, "b"));
        assertEquals(2, env.getattr(fh).nlink());
        expect(OK, await(c.rename(dir, "a", dir, "a")).status(), "onto its own name");
        assertEquals(old, env.getattr(dir));
    }

    @Test
    void missingSourceAndDots() throws IOException {
        byte[] dir = env.scratch();
        env.file(dir, "f", 0644);
        Fattr old = env.getattr(dir);
        RenameResult r = await(c.rename(dir, "nothing", dir, "x"));
        expect(NOENT, r.status());
        DirChecks.unchanged(env, dir, old, r.from());
        for (String dot : new String[] {".", ".."}) {
            expectOneOf(await(c.rename(dir, dot, dir, "x")).status(), "from '" + dot + "'", INVAL, PERM);
            expectOneOf(await(c.rename(dir, "f", dir, dot)).status(), "to '" + dot + "'", INVAL, PERM, EXIST);
        }
        assertEquals(old, env.getattr(dir));
        expect(NAMETOOLONG, await(c.rename(dir, "f", dir, "n".repeat(256))).status());
        expect(NAMETOOLONG, await(c.rename(dir, "n".repeat(256), dir, "g")).status());
    }

    @Test
    void acrossExportsIsXdev() throws IOException {
        byte[] dir = env.scratch();
        env.file(dir, "f", 0644);
        byte[] other = env.root(NfsEnv.OTHER);
        RenameResult r = await(c.rename(dir, "f", other, "f"));
        expect(XDEV, r.status());
        expect(OK, await(c.lookup(dir, "f")).status());
        expect(NOENT, await(c.lookup(other, "f")).status());
    }

    @Test
    void notADirectory() throws IOException {
        byte[] dir = env.scratch();
        byte[] f = env.file(dir, "f", 0644);
        expect(NOTDIR, await(c.rename(f, "x", dir, "y")).status());
        expect(NOTDIR, await(c.rename(dir, "f", f, "y")).status());
    }

    @Test
    void permissions() throws IOException {
        byte[] top = env.scratch();
        byte[] locked = env.mkdir(top, "locked", 0755);
        byte[] open = env.mkdir(top, "open", 0777);
        env.file(locked, "f", 0666);
        env.file(open, "g", 0666);
        Nfs3Client user = env.as(1000, 100);
        expect(ACCES, await(user.rename(locked, "f", open, "f")).status(), "no write on the source directory");
        expect(ACCES, await(user.rename(open, "g", locked, "g")).status(), "no write on the target directory");
        env.mkdir(open, "rootdir", 0755);
        byte[] open2 = env.mkdir(top, "open2", 0777);
        expect(ACCES, await(user.rename(open, "rootdir", open2, "rootdir")).status(),
                "moving a directory elsewhere rewrites its '..': needs write on it");
        byte[] sticky = env.mkdir(top, "tmp", 01777);
        env.file(sticky, "roots", 0666);
        expectOneOf(await(user.rename(sticky, "roots", open, "mine")).status(), "another's file out of a sticky dir",
                PERM, ACCES);
        env.file(sticky, "other", 0666);
        expect(OK, await(user.create(sticky, "mine", Nfs3Client.GUARDED, Sattr.NONE)).status());
        expectOneOf(await(user.rename(sticky, "mine", sticky, "roots")).status(),
                "over another's file in a sticky dir", PERM, ACCES);
        expect(OK, await(user.rename(open, "g", open, "h")).status());
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] dir = env.scratchUnderRo();
        env.file(dir, "f", 0644);
        byte[] ro = env.via(NfsEnv.RO, dir);
        HandleChecks.readOnly(ro, h -> await(c.rename(h, "f", h, "g")).status());
        expect(OK, await(c.lookup(dir, "f")).status());
    }

    @Test
    void handleErrorsOnEitherSide() throws IOException {
        byte[] dir = env.scratch();
        byte[] stale = env.staleDir();
        HandleChecks.check(env, dir, stale, h -> {
            env.file(dir, "f", 0644);
            int s = await(c.rename(h, "f", dir, "g")).status();
            expect(OK, await(c.remove(dir, s == OK ? "g" : "f")).status());
            return s;
        });
        HandleChecks.checkSecond(env, dir, stale, h -> {
            env.file(dir, "f", 0644);
            int s = await(c.rename(dir, "f", h, "g")).status();
            expect(OK, await(c.remove(dir, s == OK ? "g" : "f")).status());
            return s;
        });
    }
}
