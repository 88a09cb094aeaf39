package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.nfs.fixture.WallClock;
import org.echofs.tests.nfs.fixture.DirChecks;
import org.echofs.tests.nfs.fixture.HandleChecks;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.echofs.tests.nfs.fixture.SharedGateways.Use;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * CREATE (RFC 1813 section 3.3.8): UNCHECKED, GUARDED and EXCLUSIVE, the new handle and
 * attributes, the directory's wcc data. Errors: EXIST (also "." and ".."), NOTDIR, NAMETOOLONG,
 * ACCES, ROFS, NOSPC (object limit), STALE, BADHANDLE (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class CreateTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    CreateTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void guardedCreateAnswersHandleAttributesAndDirectoryWcc() throws IOException {
        byte[] dir = env.scratch();
        Fattr old = env.getattr(dir);
        long t0 = WallClock.now();
        CreateResult r = await(env.as(1000, 100).create(dir, "new", Nfs3Client.GUARDED, Sattr.mode(0640)));
        long t1 = WallClock.now();
        expect(OK, r.status());
        assertNotNull(r.handle());
        Fattr a = r.attributes();
        assertNotNull(a);
        assertEquals(Nfs3Client.NF3REG, a.type());
        assertEquals(0640, a.mode());
        assertEquals(1, a.nlink());
        assertEquals(1000, a.uid(), "owned by the caller");
        assertEquals(100, a.gid(), "the caller's group");
        assertEquals(0, a.size());
        assertTrue(a.mtime() >= t0 && a.mtime() <= t1 && a.ctime() >= t0 && a.ctime() <= t1);
        assertEquals(a, env.getattr(r.handle()), "the handle names the new file");
        assertArrayEquals(r.handle(), env.lookup(dir, "new"));
        DirChecks.changed(env, dir, old, r.directory(), t0);
        assertEquals(old.nlink(), r.directory().after().nlink(), "a file does not link its directory");
    }

    @Test
    void attributesGivenAtCreation() throws IOException {
        byte[] dir = env.scratch();
        long mtime = 1_234_567_890_123_456_789L;
        CreateResult r = await(c.create(dir, "f", Nfs3Client.GUARDED,
                new Sattr(0600, 1234, 5678, 4096L, null, mtime)));
        expect(OK, r.status());
        assertEquals(0600, r.attributes().mode());
        assertEquals(1234, r.attributes().uid(), "root may create for another owner");
        assertEquals(5678, r.attributes().gid());
        assertEquals(4096, r.attributes().size());
        assertEquals(mtime, r.attributes().mtime());
        CreateResult noMode = await(c.create(dir, "g", Nfs3Client.GUARDED, Sattr.NONE));
        expect(OK, noMode.status());
        assertEquals(0644, noMode.attributes().mode(), "the mode when none is given");
        expect(PERM, await(env.as(1000, 100).create(dir, "h", Nfs3Client.GUARDED,
                new Sattr(0644, 1001, null, null, null, null))).status(), "a user may not create for another");
    }

    @Test
    void groupOfASetgidDirectory() throws IOException {
        byte[] dir = env.scratch();
        env.chown(dir, 0, 777);
        env.chmod(dir, 02777);
        CreateResult r = await(env.as(1000, 100).create(dir, "f", Nfs3Client.GUARDED, Sattr.mode(0644)));
        expect(OK, r.status());
        assertEquals(777, r.attributes().gid(), "a setgid directory passes its group on");
    }

    @Test
    void anonymousCallers() throws IOException {
        byte[] dir = env.scratch();
        CreateResult none = await(env.anonymous().create(dir, "none", Nfs3Client.GUARDED, Sattr.mode(0644)));
        expect(OK, none.status());
        assertEquals(NfsEnv.NOBODY, none.attributes().uid(), "AUTH_NONE runs as the anonymous user");
        assertEquals(NfsEnv.NOBODY, none.attributes().gid());
        byte[] sq = env.mkdir(env.lookup(env.exportRoot(), "squash"), env.name("t"), 0777);
        CreateResult squashed = await(c.create(env.via(NfsEnv.SQUASH, sq), "root", Nfs3Client.GUARDED,
                Sattr.mode(0644)));
        expect(OK, squashed.status());
        assertEquals(NfsEnv.ANON_UID, squashed.attributes().uid(), "root_squash: anonuid");
        assertEquals(NfsEnv.ANON_GID, squashed.attributes().gid(), "root_squash: anongid");
    }

    @Test
    void uncheckedOverAnExistingFile() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "f", new byte[] {1, 2, 3, 4, 5});
        CreateResult keep = await(c.create(dir, "f", Nfs3Client.UNCHECKED, Sattr.mode(0600)));
        expect(OK, keep.status(), "UNCHECKED opens the existing file");
        assertArrayEquals(fh, keep.handle());
        assertEquals(5, keep.attributes().size(), "without a size the data stays");
        assertEquals(0644, keep.attributes().mode(), "only the size of the attributes applies to an existing file");
        CreateResult cut = await(c.create(dir, "f", Nfs3Client.UNCHECKED, Sattr.size(2)));
        expect(OK, cut.status());
        assertArrayEquals(fh, cut.handle());
        assertEquals(2, cut.attributes().size(), "the size from the attributes");
        assertArrayEquals(new byte[] {1, 2}, await(c.read(fh, 0, 10)).data());
        CreateResult fresh = await(c.create(dir, "g", Nfs3Client.UNCHECKED, Sattr.mode(0600)));
        expect(OK, fresh.status(), "UNCHECKED of a new name creates");
        assertEquals(0600, fresh.attributes().mode());
        env.mkdir(dir, "d", 0755);
        expect(EXIST, await(c.create(dir, "d", Nfs3Client.UNCHECKED, Sattr.NONE)).status(),
                "UNCHECKED over a directory");
    }

    @Test
    void guardedOverAnExistingName() throws IOException {
        byte[] dir = env.scratch();
        env.file(dir, "f", new byte[7]);
        Fattr old = env.getattr(dir);
        CreateResult r = await(c.create(dir, "f", Nfs3Client.GUARDED, Sattr.size(0)));
        expect(EXIST, r.status());
        assertNull(r.handle());
        DirChecks.unchanged(env, dir, old, r.directory());
        assertEquals(7, env.getattr(env.lookup(dir, "f")).size(), "the existing file is untouched");
    }

    @Test
    void exclusiveCreateIsRetransmissionSafe() throws IOException {
        byte[] dir = env.scratch();
        CreateResult first = await(c.createExclusive(dir, "x", 0x1122334455667788L));
        expect(OK, first.status());
        assertEquals(Nfs3Client.NF3REG, first.attributes().type());
        CreateResult again = await(c.createExclusive(dir, "x", 0x1122334455667788L));
        expect(OK, again.status(), "the same verifier: a retransmission, which succeeds");
        assertArrayEquals(first.handle(), again.handle(), "and names the same file");
        CreateResult other = await(c.createExclusive(dir, "x", 0x0102030405060708L));
        expect(EXIST, other.status(), "another verifier: another client's file");
        env.file(dir, "plain", 0644);
        expect(EXIST, await(c.createExclusive(dir, "plain", 0x1122334455667788L)).status(),
                "a file not made by an exclusive create");
        WccResult s = await(c.setattr(first.handle(), new Sattr(0600, null, null, null, Sattr.SERVER_TIME,
                Sattr.SERVER_TIME), null));
        expect(OK, s.status(), "the client's SETATTR after an exclusive create");
        assertEquals(0600, s.wcc().after().mode());
    }

    @Test
    void exclusiveCreateWithVerifierZero() throws IOException {
        byte[] dir = env.scratch();
        CreateResult first = await(c.createExclusive(dir, "z", 0));
        expect(OK, first.status());
        CreateResult again = await(c.createExclusive(dir, "z", 0));
        expect(OK, again.status(), "0 is a verifier like any other: its retransmission succeeds too");
        assertArrayEquals(first.handle(), again.handle());
    }

    @Test
    void racingCreatesOfOneName() throws IOException {
        byte[] dir = env.scratch();
        java.util.List<java.util.concurrent.CompletableFuture<CreateResult>> guarded = new ArrayList<>();
        for (int i = 0; i < 40; i++) guarded.add(c.create(dir, "g", Nfs3Client.GUARDED, Sattr.NONE));
        int ok = 0;
        for (var f : guarded) {
            int s = await(f).status();
            if (s == OK) ok++;
            else expect(EXIST, s, "the losers");
        }
        assertEquals(1, ok, "exactly one of 40 pipelined GUARDED creates wins");
        java.util.List<java.util.concurrent.CompletableFuture<CreateResult>> exclusive = new ArrayList<>();
        for (int i = 0; i < 40; i++) exclusive.add(c.createExclusive(dir, "x", 1000 + i));
        ok = 0;
        for (var f : exclusive) if (await(f).status() == OK) ok++;
        assertEquals(1, ok, "exactly one of 40 EXCLUSIVE creates with different verifiers wins");
        ReaddirResult list = await(c.readdir(dir, 0, 0, 4096));
        assertEquals(java.util.List.of(".", "..", "g", "x"), list.entries().stream().map(DirEntry::name).toList());
    }

    @Test
    void dotAndDotDotExist() throws IOException {
        byte[] dir = env.scratch();
        expect(EXIST, await(c.create(dir, ".", Nfs3Client.GUARDED, Sattr.NONE)).status());
        expect(EXIST, await(c.create(dir, "..", Nfs3Client.UNCHECKED, Sattr.NONE)).status());
        expect(EXIST, await(c.createExclusive(dir, "..", 1)).status());
    }

    @Test
    void notADirectory() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        CreateResult r = await(c.create(fh, "x", Nfs3Client.GUARDED, Sattr.NONE));
        expect(NOTDIR, r.status());
        assertEquals(env.getattr(fh), r.directory().after());
    }

    @Test
    void namesAndTheirLimits() throws IOException {
        byte[] dir = env.scratch();
        expect(OK, await(c.create(dir, "n".repeat(255), Nfs3Client.GUARDED, Sattr.NONE)).status(), "255 bytes");
        Fattr old = env.getattr(dir);
        CreateResult r = await(c.create(dir, "n".repeat(256), Nfs3Client.GUARDED, Sattr.NONE));
        expect(NAMETOOLONG, r.status(), "256 bytes");
        DirChecks.unchanged(env, dir, old, r.directory());
        expect(INVAL, await(c.create(dir, "a/b", Nfs3Client.GUARDED, Sattr.NONE)).status(), "a slash");
        expect(INVAL, await(c.create(dir, "", Nfs3Client.GUARDED, Sattr.NONE)).status(), "empty");
        expect(OK, await(c.create(dir, "caf\u00e9", Nfs3Client.GUARDED, Sattr.NONE)).status(), "NFC");
        expect(OK, await(c.create(dir, "cafe\u0301", Nfs3Client.GUARDED, Sattr.NONE)).status(),
                "NFD is another name: names are bytes, not normalized");
        String odd = "sp ace \u00e9\u65e5 \t-*?";
        expect(OK, await(c.create(dir, odd, Nfs3Client.GUARDED, Sattr.NONE)).status());
        expect(OK, await(c.lookup(dir, odd)).status(), "any other UTF-8 is a name");
    }

    @Test
    void writeAndSearchPermissionOnTheDirectory() throws IOException {
        byte[] dir = env.scratch();
        byte[] rootOwned = env.mkdir(dir, "r", 0755);
        Fattr old = env.getattr(rootOwned);
        Nfs3Client user = env.as(1000, 100);
        CreateResult r = await(user.create(rootOwned, "f", Nfs3Client.GUARDED, Sattr.NONE));
        expect(ACCES, r.status(), "no write permission");
        DirChecks.unchanged(env, rootOwned, old, r.directory());
        byte[] noSearch = env.mkdir(dir, "w", 0776);
        expect(ACCES, await(user.create(noSearch, "f", Nfs3Client.GUARDED, Sattr.NONE)).status(),
                "write without search");
        expect(ACCES, await(env.anonymous().create(rootOwned, "f", Nfs3Client.GUARDED, Sattr.NONE)).status());
        expect(OK, await(c.create(rootOwned, "f", Nfs3Client.GUARDED, Sattr.NONE)).status(), "root");
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] dir = env.scratchUnderRo();
        HandleChecks.readOnly(env.via(NfsEnv.RO, dir), h -> {
            CreateResult r = await(c.create(h, "f", Nfs3Client.GUARDED, Sattr.NONE));
            return r.status();
        });
        expect(NOENT, await(c.lookup(dir, "f")).status());
    }

    @Test
    void objectLimit(@Use(NfsEnv.Kind.FEW_OBJECTS) NfsEnv few) throws IOException {
        Nfs3Client fc = few.client();
        byte[] dir = few.scratch();
        List<String> made = new ArrayList<>();
        try {
            CreateResult r;
            while ((r = await(fc.create(dir, "f" + made.size(), Nfs3Client.GUARDED, Sattr.NONE))).status() == OK) {
                made.add("f" + made.size());
                assertTrue(made.size() <= 16, "more objects than the limit");
            }
            expect(NOSPC, r.status(), "the object limit is reached");
            assertFalse(made.isEmpty());
            expect(NOENT, await(fc.lookup(dir, "f" + made.size())).status(), "the refused create left nothing");
            FsStatResult fs = await(fc.fsstat(dir));
            assertEquals(16, fs.totalFiles());
            assertEquals(0, fs.freeFiles());
            expect(OK, await(fc.create(dir, made.get(0), Nfs3Client.UNCHECKED, Sattr.size(0))).status(),
                    "opening an existing file needs no new object");
        } finally {
            for (String n : made) expect(OK, await(fc.remove(dir, n)).status());
        }
        expect(OK, await(fc.create(dir, "again", Nfs3Client.GUARDED, Sattr.NONE)).status(), "room after removes");
        expect(OK, await(fc.remove(dir, "again")).status());
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> await(c.create(h, env.name("f"), Nfs3Client.GUARDED,
                Sattr.NONE)).status());
    }
}
