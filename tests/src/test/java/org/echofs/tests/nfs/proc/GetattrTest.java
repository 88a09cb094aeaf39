package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.nfs.fixture.WallClock;
import org.echofs.tests.nfs.fixture.HandleChecks;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/** GETATTR (RFC 1813 section 3.3.1). Errors: BADHANDLE, STALE, plus the export checks ACCES and PERM. */
@ExtendWith(SharedGateways.class)
class GetattrTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    GetattrTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void regularFileHasEveryField() throws IOException {
        byte[] dir = env.scratch();
        long before = WallClock.now();
        Nfs3Client user = env.as(1000, 100);
        CreateResult cr = await(user.create(dir, "f", Nfs3Client.GUARDED, Sattr.mode(0640)));
        expect(OK, cr.status());
        byte[] data = new byte[5000];
        expect(OK, await(user.write(cr.handle(), 0, data, Nfs3Client.FILE_SYNC)).status());
        long after = WallClock.now();

        AttrResult r = await(c.getattr(cr.handle()));
        expect(OK, r.status());
        Fattr a = r.attributes();
        assertEquals(Nfs3Client.NF3REG, a.type());
        assertEquals(0640, a.mode());
        assertEquals(1, a.nlink());
        assertEquals(1000, a.uid());
        assertEquals(100, a.gid());
        assertEquals(5000, a.size());
        assertEquals(8192, a.used(), "used: the size in 4 KiB blocks");
        assertEquals(0, a.rdevMajor());
        assertEquals(0, a.rdevMinor());
        assertEquals(env.getattr(dir).fsid(), a.fsid(), "one volume, one fsid");
        assertEquals(env.decode(cr.handle()).objectId(), a.fileId(), "fileid is the handle's object");
        assertTrue(a.mtime() >= before && a.mtime() <= after, "mtime set by the write");
        assertTrue(a.ctime() >= a.mtime() && a.ctime() <= after, "ctime");
        assertTrue(a.atime() >= before && a.atime() <= after, "atime set at creation");
        assertEquals(cr.attributes(), withSizeTimes(cr.attributes(), a) , "CREATE's attributes describe the same object");
    }

    /** The CREATE reply's attributes with the fields a later WRITE changes taken from {@code now}. */
    private static Fattr withSizeTimes(Fattr created, Fattr now) {
        return new Fattr(now.type(), now.mode(), now.nlink(), now.uid(), now.gid(), created.size(), created.used(),
                now.rdevMajor(), now.rdevMinor(), now.fsid(), now.fileId(), now.atime(), created.mtime(),
                created.ctime());
    }

    @Test
    void directoryCountsItsSubdirectoriesInNlink() throws IOException {
        byte[] dir = env.scratch();
        Fattr empty = env.getattr(dir);
        assertEquals(Nfs3Client.NF3DIR, empty.type());
        assertEquals(0777, empty.mode());
        assertEquals(2, empty.nlink(), "'.' and the entry in the parent");
        assertEquals(0, empty.uid());
        assertEquals(4096, empty.size());
        assertEquals(4096, empty.used());
        env.mkdir(dir, "a", 0755);
        env.mkdir(dir, "b", 0755);
        env.file(dir, "f", 0644);
        assertEquals(4, env.getattr(dir).nlink(), "each subdirectory's '..' links the parent; files do not");
    }

    @Test
    void symlinkFifoAndDeviceTypes() throws IOException {
        byte[] dir = env.scratch();
        Fattr link = env.getattr(env.symlink(dir, "l", "../some/target"));
        assertEquals(Nfs3Client.NF3LNK, link.type());
        assertEquals("../some/target".length(), link.size(), "a link's size is its target's length");
        Fattr fifo = env.getattr(env.fifo(dir, "p"));
        assertEquals(Nfs3Client.NF3FIFO, fifo.type());
        assertEquals(0, fifo.size());
        CreateResult dev = await(c.mknod(dir, "d", Nfs3Client.NF3BLK, Sattr.mode(0600), 8, 1));
        expect(OK, dev.status());
        Fattr blk = env.getattr(dev.handle());
        assertEquals(Nfs3Client.NF3BLK, blk.type());
        assertEquals(8, blk.rdevMajor());
        assertEquals(1, blk.rdevMinor());
    }

    @Test
    void sameObjectThroughAnotherExportAndWithoutCredentials() throws IOException {
        byte[] dir = env.scratchUnderRo();
        byte[] fh = env.file(dir, "f", new byte[10]);
        Fattr rw = env.getattr(fh);
        AttrResult ro = await(c.getattr(env.via(NfsEnv.RO, fh)));
        expect(OK, ro.status(), "a read-only export still answers GETATTR");
        assertEquals(rw, ro.attributes());
        AttrResult none = await(env.anonymous().getattr(fh));
        expect(OK, none.status(), "AUTH_NONE may read attributes");
        assertEquals(rw, none.attributes());
    }

    @Test
    void handleErrors() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        HandleChecks.check(env, fh, env.staleFile(), h -> {
            AttrResult r = await(c.getattr(h));
            if (r.status() != OK) assertNull(r.attributes(), "the failure arm is empty");
            return r.status();
        });
    }

    @Test
    void exportRootsAnswer() throws IOException {
        for (int id : new int[] {NfsEnv.EXPORT, NfsEnv.RO, NfsEnv.OTHER, NfsEnv.SQUASH}) {
            AttrResult r = await(c.getattr(env.root(id)));
            expect(OK, r.status(), "root of export " + id);
            assertEquals(Nfs3Client.NF3DIR, r.attributes().type());
        }
    }
}
