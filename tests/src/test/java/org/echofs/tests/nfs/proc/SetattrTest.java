package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.nfs.fixture.WallClock;
import org.echofs.tests.nfs.fixture.HandleChecks;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.echofs.tests.nfs.fixture.SharedGateways.Use;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.Arrays;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * SETATTR (RFC 1813 section 3.3.2). Errors: PERM, ACCES, INVAL (ISDIR for a directory's size,
 * as Linux nfsd), FBIG, NOSPC, ROFS, NOT_SYNC, STALE, BADHANDLE.
 */
@ExtendWith(SharedGateways.class)
class SetattrTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    SetattrTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    private static void assertWccBefore(Fattr old, Wcc w) {
        assertNotNull(w.before(), "pre-operation attributes");
        assertEquals(new PreOp(old.size(), old.mtime(), old.ctime()), w.before(), "wcc before = attributes before");
        assertNotNull(w.after(), "post-operation attributes");
    }

    @Test
    void chmodAnswersFullWcc() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", new byte[100]);
        Fattr old = env.getattr(fh);
        long t0 = WallClock.now();
        WccResult r = await(c.setattr(fh, Sattr.mode(0600), null));
        expect(OK, r.status());
        assertWccBefore(old, r.wcc());
        Fattr after = r.wcc().after();
        assertEquals(0600, after.mode());
        assertEquals(old.size(), after.size());
        assertEquals(old.mtime(), after.mtime(), "a mode change leaves mtime");
        assertTrue(after.ctime() >= t0 && after.ctime() > old.ctime(), "a mode change moves ctime");
        assertEquals(after, env.getattr(fh), "post-op attributes are the object's attributes");
    }

    @Test
    void modeKeepsSpecialBitsAndDropsFormatBits() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        WccResult r = await(c.setattr(fh, Sattr.mode(0100000 | 07755), null));
        expect(OK, r.status());
        assertEquals(07755, r.wcc().after().mode(), "only the 07777 bits are settable");
    }

    @Test
    void rootChangesOwnerAndGroup() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        WccResult r = await(c.setattr(fh, new Sattr(null, 1234, 5678, null, null, null), null));
        expect(OK, r.status());
        assertEquals(1234, r.wcc().after().uid());
        assertEquals(5678, r.wcc().after().gid());
    }

    @Test
    void truncateAndExtend() throws IOException {
        byte[] data = new byte[10_000];
        Arrays.fill(data, (byte) 7);
        byte[] fh = env.file(env.scratch(), "f", data);
        Fattr old = env.getattr(fh);
        WccResult shrink = await(c.setattr(fh, Sattr.size(3), null));
        expect(OK, shrink.status());
        assertWccBefore(old, shrink.wcc());
        assertEquals(3, shrink.wcc().after().size());
        assertEquals(4096, shrink.wcc().after().used());
        assertTrue(shrink.wcc().after().mtime() > old.mtime(), "a size change moves mtime");
        WccResult grow = await(c.setattr(fh, Sattr.size(8), null));
        expect(OK, grow.status());
        assertEquals(8, grow.wcc().after().size());
        ReadResult rd = await(c.read(fh, 0, 100));
        expect(OK, rd.status());
        assertArrayEquals(new byte[] {7, 7, 7, 0, 0, 0, 0, 0}, rd.data(), "bytes past the cut read as zeros");
    }

    @Test
    void truncateDropsUncommittedDataToo() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        byte[] sevens = new byte[10_000];
        Arrays.fill(sevens, (byte) 7);
        expect(OK, await(c.write(fh, 0, sevens, Nfs3Client.UNSTABLE)).status());
        expect(OK, await(c.setattr(fh, Sattr.size(3), null)).status());
        expect(OK, await(c.setattr(fh, Sattr.size(8), null)).status());
        assertArrayEquals(new byte[] {7, 7, 7, 0, 0, 0, 0, 0}, await(c.read(fh, 0, 100)).data(),
                "old bytes never come back past a cut");
        expect(OK, await(c.write(fh, 9000, new byte[] {1}, Nfs3Client.UNSTABLE)).status());
        expect(OK, await(c.commit(fh, 0, 0)).status());
        byte[] all = await(c.read(fh, 0, 20_000)).data();
        assertEquals(9001, all.length);
        for (int i = 3; i < 9000; i++) assertEquals(0, all[i], "byte " + i + " of the gap");
        assertEquals(1, all[9000]);
    }

    @Test
    void clientAndServerTimes() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        long atime = 1_000_000_000L * 1_600_000_000L + 123_456_789L;
        long mtime = 1_000_000_000L * 1_500_000_000L + 987_654_321L;
        WccResult set = await(c.setattr(fh, new Sattr(null, null, null, null, atime, mtime), null));
        expect(OK, set.status());
        assertEquals(atime, set.wcc().after().atime(), "SET_TO_CLIENT_TIME atime, to the nanosecond");
        assertEquals(mtime, set.wcc().after().mtime(), "SET_TO_CLIENT_TIME mtime, to the nanosecond");
        long t0 = WallClock.now();
        WccResult now = await(c.setattr(fh, new Sattr(null, null, null, null, Sattr.SERVER_TIME, Sattr.SERVER_TIME),
                null));
        long t1 = WallClock.now();
        expect(OK, now.status());
        assertTrue(now.wcc().after().mtime() >= t0 && now.wcc().after().mtime() <= t1, "SET_TO_SERVER_TIME mtime");
        assertTrue(now.wcc().after().atime() >= t0 && now.wcc().after().atime() <= t1, "SET_TO_SERVER_TIME atime");
    }

    @Test
    void atimeAloneLeavesMtime() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", new byte[3]);
        Fattr old = env.getattr(fh);
        long atime = 1_000_000_000L * 1_400_000_000L;
        WccResult r = await(c.setattr(fh, new Sattr(null, null, null, null, atime, null), null));
        expect(OK, r.status());
        assertEquals(atime, r.wcc().after().atime());
        assertEquals(old.mtime(), r.wcc().after().mtime(), "DONT_CHANGE mtime");
        assertTrue(r.wcc().after().ctime() > old.ctime(), "any attribute change moves ctime");
    }

    @Test
    void ownerMayNameItselfAndLosesSetgidOutsideTheGroup() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        env.chown(fh, 1000, 300);
        Nfs3Client owner = env.as(1000, 100);
        WccResult self = await(owner.setattr(fh, new Sattr(null, 1000, null, null, null, null), null));
        expect(OK, self.status(), "chown to the current owner is no change of owner (POSIX)");
        WccResult sgid = await(owner.setattr(fh, Sattr.mode(02755), null));
        expect(OK, sgid.status());
        assertEquals(0755, sgid.wcc().after().mode(), "POSIX chmod: setgid cleared for a caller outside the group");
    }

    @Test
    void emptyRequestChangesNothing() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        Fattr old = env.getattr(fh);
        WccResult r = await(c.setattr(fh, Sattr.NONE, null));
        expect(OK, r.status());
        assertWccBefore(old, r.wcc());
        assertEquals(old, r.wcc().after());
    }

    @Test
    void ctimeGuard() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        Fattr old = env.getattr(fh);
        WccResult wrong = await(c.setattr(fh, Sattr.mode(0600), old.ctime() - 1));
        expect(NOT_SYNC, wrong.status(), "guard ctime differs from the object's");
        assertNotNull(wrong.wcc().after(), "the failure arm carries post-op attributes");
        assertEquals(old, wrong.wcc().after(), "a refused SETATTR changed nothing");
        WccResult right = await(c.setattr(fh, Sattr.mode(0600), old.ctime()));
        expect(OK, right.status(), "guard ctime matches");
        assertEquals(0600, right.wcc().after().mode());
        expect(NOT_SYNC, await(c.setattr(fh, Sattr.mode(0644), old.ctime())).status(),
                "the first change moved ctime, so the old guard no longer matches");
        assertEquals(0600, env.getattr(fh).mode());
    }

    @Test
    void permissionRules() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "f", 0644);
        env.chown(fh, 1000, 100);
        Nfs3Client owner = env.as(1000, 100, 200);
        Nfs3Client other = env.as(1001, 100);
        expect(PERM, await(owner.setattr(fh, new Sattr(null, 1001, null, null, null, null), null)).status(),
                "only root may give a file away");
        expect(PERM, await(other.setattr(fh, Sattr.mode(0666), null)).status(), "only the owner may chmod");
        expect(PERM, await(owner.setattr(fh, new Sattr(null, null, 300, null, null, null), null)).status(),
                "the owner may not chgrp to a group it is not in");
        expect(PERM, await(other.setattr(fh, new Sattr(null, null, null, null, 5L, 5L), null)).status(),
                "only the owner may set explicit times");
        expect(ACCES, await(other.setattr(fh, Sattr.size(0), null)).status(),
                "truncating needs write permission");
        expect(ACCES, await(other.setattr(fh, new Sattr(null, null, null, null, Sattr.SERVER_TIME,
                Sattr.SERVER_TIME), null)).status(), "touching needs write permission");
        expect(PERM, await(owner.setattr(fh, new Sattr(0600, 1001, null, null, null, null), null)).status(),
                "an allowed mode with a refused owner");
        Fattr unchanged = env.getattr(fh);
        assertEquals(1000, unchanged.uid());
        assertEquals(100, unchanged.gid());
        assertEquals(0644, unchanged.mode(), "a refused SETATTR sets nothing, not even the allowed part");

        WccResult chgrp = await(owner.setattr(fh, new Sattr(null, null, 200, null, null, null), null));
        expect(OK, chgrp.status(), "the owner may chgrp to a supplementary group");
        assertEquals(200, chgrp.wcc().after().gid());
        expect(OK, await(owner.setattr(fh, Sattr.mode(0664), null)).status(), "the owner may chmod");
        env.chown(fh, 1000, 100);
        expect(OK, await(other.setattr(fh, new Sattr(null, null, null, null, Sattr.SERVER_TIME, Sattr.SERVER_TIME),
                null)).status(), "a group writer may touch");
        expect(OK, await(other.setattr(fh, Sattr.size(1), null)).status(), "a group writer may truncate");
    }

    @Test
    void chgrpByOwnerClearsSetuid() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        env.chown(fh, 1000, 100);
        env.chmod(fh, 04755);
        WccResult r = await(env.as(1000, 100, 200).setattr(fh, new Sattr(null, null, 200, null, null, null), null));
        expect(OK, r.status());
        assertEquals(0755, r.wcc().after().mode(), "a chown by a non-root caller clears setuid");
    }

    @Test
    void rootSquashMakesRootAnonymous() throws IOException {
        byte[] dir = env.mkdir(env.lookup(env.exportRoot(), "squash"), env.name("t"), 0755);
        byte[] fh = env.file(dir, "f", 0644);
        WccResult r = await(c.setattr(env.via(NfsEnv.SQUASH, fh), Sattr.mode(0600), null));
        expect(PERM, r.status(), "root squashed to uid " + NfsEnv.ANON_UID + " is not the owner");
        expect(OK, await(c.setattr(fh, Sattr.mode(0600), null)).status(), "same call through no_root_squash");
    }

    @Test
    void sizeOfNonRegularFiles() throws IOException {
        byte[] dir = env.scratch();
        byte[] sub = env.mkdir(dir, "d", 0755);
        Fattr old = env.getattr(sub);
        WccResult d = await(c.setattr(sub, Sattr.size(0), null));
        // RFC 1813 lists INVAL; Linux nfsd answers ISDIR for a directory, which clients also handle.
        expectOneOf(d.status(), "size of a directory", INVAL, ISDIR);
        assertEquals(old, env.getattr(sub));
        byte[] link = env.symlink(dir, "l", "target");
        expect(INVAL, await(c.setattr(link, Sattr.size(0), null)).status(), "size of a symbolic link");
        byte[] fifo = env.fifo(dir, "p");
        expect(INVAL, await(c.setattr(fifo, Sattr.size(0), null)).status(), "size of a FIFO");
    }

    @Test
    void sizeBeyondTheLargestFile() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", new byte[5]);
        expect(FBIG, await(c.setattr(fh, Sattr.size(NfsEnv.MAX_FILE_SIZE + 1), null)).status());
        expect(FBIG, await(c.setattr(fh, Sattr.size(-1L), null)).status(), "size 2^64-1");
        assertEquals(5, env.getattr(fh).size());
    }

    @Test
    void sizeBeyondTheCapacity(@Use(NfsEnv.Kind.SMALL_CAPACITY) NfsEnv small) throws IOException {
        byte[] fh = small.file(small.scratch(), "f", new byte[1000]);
        Fattr old = small.getattr(fh);
        WccResult r = await(small.client().setattr(fh, Sattr.size(2L << 20), null));
        expect(NOSPC, r.status(), "2 MiB on a 1 MiB volume");
        assertEquals(old, r.wcc().after(), "nothing changed");
        expect(OK, await(small.client().setattr(fh, Sattr.size(100_000), null)).status(), "within the capacity");
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] fh = env.file(env.scratchUnderRo(), "f", 0644);
        HandleChecks.readOnly(env.via(NfsEnv.RO, fh), h -> await(c.setattr(h, Sattr.mode(0600), null)).status());
        assertEquals(0644, env.getattr(fh).mode());
    }

    @Test
    void handleErrors() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        HandleChecks.check(env, fh, env.staleFile(), h -> await(c.setattr(h, Sattr.mode(0600), null)).status());
    }
}
