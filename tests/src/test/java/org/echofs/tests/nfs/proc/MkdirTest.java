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
 * MKDIR (RFC 1813 section 3.3.9). Errors: EXIST (also "." and ".."), NOTDIR, NAMETOOLONG, ACCES,
 * ROFS, NOSPC (object limit), STALE, BADHANDLE (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class MkdirTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    MkdirTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void makesADirectoryAndLinksTheParent() throws IOException {
        byte[] dir = env.scratch();
        Fattr old = env.getattr(dir);
        long t0 = WallClock.now();
        CreateResult r = await(env.as(1000, 100).mkdir(dir, "sub", Sattr.mode(0750)));
        expect(OK, r.status());
        Fattr a = r.attributes();
        assertEquals(Nfs3Client.NF3DIR, a.type());
        assertEquals(0750, a.mode());
        assertEquals(2, a.nlink());
        assertEquals(1000, a.uid());
        assertEquals(100, a.gid());
        assertEquals(4096, a.size());
        assertEquals(a, env.getattr(r.handle()));
        DirChecks.changed(env, dir, old, r.directory(), t0);
        assertEquals(old.nlink() + 1, r.directory().after().nlink(), "the new '..' links the parent");
        ReaddirResult list = await(c.readdir(r.handle(), 0, 0, 4096));
        assertEquals(List.of(".", ".."), list.entries().stream().map(DirEntry::name).toList(), "empty");
    }

    @Test
    void defaultModeAndSetgidInheritance() throws IOException {
        byte[] dir = env.scratch();
        CreateResult plain = await(c.mkdir(dir, "plain", Sattr.NONE));
        expect(OK, plain.status());
        assertEquals(0755, plain.attributes().mode(), "the mode when none is given");
        env.chown(dir, 0, 777);
        env.chmod(dir, 02777);
        CreateResult inherited = await(env.as(1000, 100).mkdir(dir, "sub", Sattr.mode(0755)));
        expect(OK, inherited.status());
        assertEquals(777, inherited.attributes().gid(), "group of the setgid parent");
        assertEquals(02755, inherited.attributes().mode(), "subdirectories inherit setgid");
    }

    @Test
    void existingNames() throws IOException {
        byte[] dir = env.scratch();
        env.file(dir, "f", 0644);
        env.mkdir(dir, "d", 0755);
        Fattr old = env.getattr(dir);
        for (String name : new String[] {"f", "d", ".", ".."}) {
            CreateResult r = await(c.mkdir(dir, name, Sattr.NONE));
            expect(EXIST, r.status(), "'" + name + "'");
            DirChecks.unchanged(env, dir, old, r.directory());
        }
    }

    @Test
    void notADirectoryAndNames() throws IOException {
        byte[] dir = env.scratch();
        byte[] f = env.file(dir, "f", 0644);
        expect(NOTDIR, await(c.mkdir(f, "x", Sattr.NONE)).status());
        expect(OK, await(c.mkdir(dir, "d".repeat(255), Sattr.NONE)).status(), "255 bytes");
        expect(NAMETOOLONG, await(c.mkdir(dir, "d".repeat(256), Sattr.NONE)).status(), "256 bytes");
        expect(INVAL, await(c.mkdir(dir, "a/b", Sattr.NONE)).status());
    }

    @Test
    void permission() throws IOException {
        byte[] dir = env.mkdir(env.scratch(), "r", 0755);
        Fattr old = env.getattr(dir);
        CreateResult r = await(env.as(1000, 100).mkdir(dir, "x", Sattr.NONE));
        expect(ACCES, r.status());
        DirChecks.unchanged(env, dir, old, r.directory());
        expect(ACCES, await(env.anonymous().mkdir(dir, "x", Sattr.NONE)).status());
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] dir = env.scratchUnderRo();
        HandleChecks.readOnly(env.via(NfsEnv.RO, dir), h -> await(c.mkdir(h, "x", Sattr.NONE)).status());
        expect(NOENT, await(c.lookup(dir, "x")).status());
    }

    @Test
    void objectLimit(@Use(NfsEnv.Kind.FEW_OBJECTS) NfsEnv few) throws IOException {
        Nfs3Client fc = few.client();
        byte[] dir = few.scratch();
        List<String> made = new ArrayList<>();
        try {
            CreateResult r;
            while ((r = await(fc.mkdir(dir, "d" + made.size(), Sattr.NONE))).status() == OK) {
                made.add("d" + made.size());
                assertTrue(made.size() <= 16, "more objects than the limit");
            }
            expect(NOSPC, r.status());
            expect(NOENT, await(fc.lookup(dir, "d" + made.size())).status(), "the refused mkdir left nothing");
            assertEquals(2 + made.size(), few.getattr(dir).nlink(), "the parent's nlink did not move");
        } finally {
            for (String n : made) expect(OK, await(fc.rmdir(dir, n)).status());
        }
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> await(c.mkdir(h, env.name("d"), Sattr.NONE)).status());
    }
}
