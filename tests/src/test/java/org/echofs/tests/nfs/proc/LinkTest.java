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
 * LINK (RFC 1813 section 3.3.15). Errors: ISDIR (a directory, as Linux nfsd; the RFC's list
 * has no better), EXIST, XDEV, NOTDIR, ACCES, NAMETOOLONG, ROFS, STALE, BADHANDLE (and the
 * export checks). MLINK needs 32000 links (the limit is not configurable) and is covered by the
 * storage engine's own tests.
 */
@ExtendWith(SharedGateways.class)
class LinkTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    LinkTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void secondNameForAFile() throws IOException {
        byte[] dir = env.scratch();
        byte[] other = env.mkdir(dir, "other", 0777);
        byte[] fh = env.file(dir, "a", new byte[] {9});
        Fattr fileBefore = env.getattr(fh);
        Fattr old = env.getattr(other);
        long t0 = WallClock.now();
        LinkResult r = await(c.link(fh, other, "b"));
        expect(OK, r.status());
        assertNotNull(r.file());
        assertEquals(2, r.file().nlink());
        assertTrue(r.file().ctime() > fileBefore.ctime(), "a new link moves the file's ctime");
        assertEquals(fileBefore.mtime(), r.file().mtime(), "and leaves its mtime");
        assertEquals(env.getattr(fh), r.file());
        DirChecks.changed(env, other, old, r.directory(), t0);
        assertArrayEquals(fh, env.lookup(other, "b"), "both names, one object, one handle");
        expect(OK, await(c.write(fh, 0, new byte[] {7}, Nfs3Client.FILE_SYNC)).status());
        assertArrayEquals(new byte[] {7}, await(c.read(env.lookup(other, "b"), 0, 1)).data());
    }

    @Test
    void linksToLinksFifosAndDevices() throws IOException {
        byte[] dir = env.scratch();
        byte[] l = env.symlink(dir, "l", "target");
        LinkResult r = await(c.link(l, dir, "l2"));
        expect(OK, r.status(), "a hard link to a symbolic link links the link itself");
        assertEquals(Nfs3Client.NF3LNK, r.file().type());
        assertEquals("target", await(c.readlink(env.lookup(dir, "l2"))).target());
        expect(OK, await(c.link(env.fifo(dir, "p"), dir, "p2")).status());
    }

    @Test
    void notForDirectories() throws IOException {
        byte[] dir = env.scratch();
        byte[] sub = env.mkdir(dir, "d", 0755);
        Fattr old = env.getattr(dir);
        LinkResult r = await(c.link(sub, dir, "d2"));
        expect(ISDIR, r.status());
        assertEquals(env.getattr(sub), r.file(), "the failure arm has the file's attributes");
        DirChecks.unchanged(env, dir, old, r.directory());
    }

    @Test
    void existingNames() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "a", 0644);
        env.file(dir, "b", 0644);
        for (String name : new String[] {"a", "b", ".", ".."}) {
            expect(EXIST, await(c.link(fh, dir, name)).status(), "'" + name + "'");
        }
        assertEquals(1, env.getattr(fh).nlink());
    }

    @Test
    void acrossExportsIsXdev() throws IOException {
        byte[] fh = env.file(env.scratch(), "a", 0644);
        LinkResult r = await(c.link(fh, env.root(NfsEnv.OTHER), "a"));
        expect(XDEV, r.status());
        assertEquals(1, env.getattr(fh).nlink());
    }

    @Test
    void refusals() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "a", 0644);
        expect(NOTDIR, await(c.link(fh, fh, "b")).status(), "the directory is a file");
        expect(NAMETOOLONG, await(c.link(fh, dir, "n".repeat(256))).status());
        byte[] locked = env.mkdir(dir, "r", 0755);
        expect(ACCES, await(env.as(1000, 100).link(fh, locked, "b")).status(), "no write on the directory");
        assertEquals(1, env.getattr(fh).nlink());
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] dir = env.scratchUnderRo();
        byte[] fh = env.file(dir, "a", 0644);
        HandleChecks.readOnly(env.via(NfsEnv.RO, dir), h -> await(c.link(env.via(NfsEnv.RO, fh), h, "b")).status());
        assertEquals(1, env.getattr(fh).nlink());
    }

    @Test
    void handleErrorsOnEitherSide() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "a", 0644);
        HandleChecks.check(env, fh, env.staleFile(), h -> {
            int s = await(c.link(h, dir, "b")).status();
            if (s == OK) expect(OK, await(c.remove(dir, "b")).status());
            return s;
        });
        HandleChecks.checkSecond(env, dir, env.staleDir(), h -> {
            int s = await(c.link(fh, h, "b")).status();
            if (s == OK) expect(OK, await(c.remove(dir, "b")).status());
            return s;
        });
    }
}
