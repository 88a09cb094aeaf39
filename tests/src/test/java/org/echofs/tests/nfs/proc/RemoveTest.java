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
 * REMOVE (RFC 1813 section 3.3.12). Errors: NOENT, ISDIR (a directory, as Linux nfsd), NOTDIR,
 * ACCES, PERM or ACCES for the sticky-directory rule (POSIX allows either), NAMETOOLONG, ROFS,
 * STALE, BADHANDLE (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class RemoveTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    RemoveTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void removesTheNameAndTheObject() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "f", new byte[5000]);
        Fattr old = env.getattr(dir);
        long t0 = WallClock.now();
        WccResult r = await(c.remove(dir, "f"));
        expect(OK, r.status());
        DirChecks.changed(env, dir, old, r.wcc(), t0);
        expect(NOENT, await(c.lookup(dir, "f")).status());
        expect(STALE, await(c.getattr(fh)).status(), "the last name is gone, so is the file");
    }

    @Test
    void anotherLinkKeepsTheFile() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "a", new byte[] {1, 2, 3});
        expect(OK, await(c.link(fh, dir, "b")).status());
        Fattr linked = env.getattr(fh);
        expect(OK, await(c.remove(dir, "a")).status());
        AttrResult a = await(c.getattr(fh));
        expect(OK, a.status(), "the file lives on under its other name");
        assertEquals(1, a.attributes().nlink());
        assertTrue(a.attributes().ctime() >= linked.ctime(), "a link count change moves ctime");
        assertArrayEquals(new byte[] {1, 2, 3}, await(c.read(fh, 0, 10)).data());
    }

    @Test
    void removesLinksFifosAndDevicesNotWhatTheyPointAt() throws IOException {
        byte[] dir = env.scratch();
        byte[] target = env.file(dir, "target", 0644);
        env.symlink(dir, "l", "target");
        env.fifo(dir, "p");
        expect(OK, await(c.remove(dir, "l")).status());
        expect(OK, await(c.remove(dir, "p")).status());
        expect(OK, await(c.getattr(target)).status(), "removing a link leaves its target");
    }

    @Test
    void missingName() throws IOException {
        byte[] dir = env.scratch();
        Fattr old = env.getattr(dir);
        WccResult r = await(c.remove(dir, "nothing"));
        expect(NOENT, r.status());
        DirChecks.unchanged(env, dir, old, r.wcc());
    }

    @Test
    void directoriesAreNotRemovedHere() throws IOException {
        byte[] dir = env.scratch();
        byte[] sub = env.mkdir(dir, "d", 0777);
        Fattr old = env.getattr(dir);
        WccResult r = await(c.remove(dir, "d"));
        expect(ISDIR, r.status(), "REMOVE of a directory (RMDIR removes directories)");
        DirChecks.unchanged(env, dir, old, r.wcc());
        for (String dot : new String[] {".", ".."}) {
            int s = await(c.remove(sub, dot)).status();
            assertNotEquals(OK, s, "'" + dot + "' is never removed");
        }
        expect(OK, await(c.getattr(sub)).status());
    }

    @Test
    void notADirectoryAndLongNames() throws IOException {
        byte[] dir = env.scratch();
        byte[] f = env.file(dir, "f", 0644);
        expect(NOTDIR, await(c.remove(f, "x")).status());
        expect(NAMETOOLONG, await(c.remove(dir, "x".repeat(256))).status());
    }

    @Test
    void writePermissionOnTheDirectory() throws IOException {
        byte[] dir = env.mkdir(env.scratch(), "r", 0755);
        env.file(dir, "f", 0666);
        Fattr old = env.getattr(dir);
        WccResult r = await(env.as(1000, 100).remove(dir, "f"));
        expect(ACCES, r.status(), "the file's own mode does not matter, the directory's does");
        DirChecks.unchanged(env, dir, old, r.wcc());
        expect(ACCES, await(env.anonymous().remove(dir, "f")).status());
    }

    @Test
    void stickyDirectory() throws IOException {
        byte[] dir = env.mkdir(env.scratch(), "tmp", 01777);
        Nfs3Client alice = env.as(1000, 100);
        Nfs3Client bob = env.as(1001, 100);
        expect(OK, await(alice.create(dir, "alice", Nfs3Client.GUARDED, Sattr.mode(0666))).status());
        expect(OK, await(alice.create(dir, "alice2", Nfs3Client.GUARDED, Sattr.mode(0666))).status());
        expect(OK, await(bob.create(dir, "bob", Nfs3Client.GUARDED, Sattr.mode(0666))).status());
        expectOneOf(await(bob.remove(dir, "alice")).status(), "another user's file in a sticky directory",
                PERM, ACCES);
        expect(OK, await(c.lookup(dir, "alice")).status(), "still there");
        expect(OK, await(alice.remove(dir, "alice")).status(), "the file's owner may");
        expect(OK, await(bob.remove(dir, "bob")).status());
        env.chown(dir, 1001, 100);
        expect(OK, await(bob.remove(dir, "alice2")).status(), "the directory's owner may");
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] dir = env.scratchUnderRo();
        env.file(dir, "f", 0644);
        HandleChecks.readOnly(env.via(NfsEnv.RO, dir), h -> await(c.remove(h, "f")).status());
        expect(OK, await(c.lookup(dir, "f")).status());
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> {
            env.file(dir, "f", 0644);
            int s = await(c.remove(h, "f")).status();
            if (s != OK) expect(OK, await(c.remove(dir, "f")).status());
            return s;
        });
    }
}
