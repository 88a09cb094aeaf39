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
 * RMDIR (RFC 1813 section 3.3.13). Errors: NOTEMPTY, NOTDIR, NOENT, INVAL for "." and EXIST or
 * NOTEMPTY for ".." (the RFC allows both), ACCES, NAMETOOLONG, ROFS, STALE, BADHANDLE (and the
 * export checks).
 */
@ExtendWith(SharedGateways.class)
class RmdirTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    RmdirTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void removesAnEmptyDirectory() throws IOException {
        byte[] dir = env.scratch();
        byte[] sub = env.mkdir(dir, "d", 0755);
        Fattr old = env.getattr(dir);
        long t0 = WallClock.now();
        WccResult r = await(c.rmdir(dir, "d"));
        expect(OK, r.status());
        DirChecks.changed(env, dir, old, r.wcc(), t0);
        assertEquals(old.nlink() - 1, r.wcc().after().nlink(), "the parent loses the '..' link");
        expect(STALE, await(c.getattr(sub)).status());
        expect(NOENT, await(c.lookup(dir, "d")).status());
    }

    @Test
    void notEmpty() throws IOException {
        byte[] dir = env.scratch();
        byte[] sub = env.mkdir(dir, "d", 0755);
        env.file(sub, "f", 0644);
        Fattr old = env.getattr(dir);
        WccResult r = await(c.rmdir(dir, "d"));
        expect(NOTEMPTY, r.status());
        DirChecks.unchanged(env, dir, old, r.wcc());
        expect(OK, await(c.remove(sub, "f")).status());
        expect(OK, await(c.rmdir(dir, "d")).status(), "empty now");
    }

    @Test
    void dotAndDotDot() throws IOException {
        byte[] dir = env.scratch();
        byte[] sub = env.mkdir(dir, "d", 0755);
        expect(INVAL, await(c.rmdir(sub, ".")).status(), "'.' (RFC 1813: such servers answer INVAL)");
        // RFC 1813 lets servers answer EXIST for ".."; Linux answers NOTEMPTY.
        expectOneOf(await(c.rmdir(sub, "..")).status(), "'..'", EXIST, NOTEMPTY);
        expect(OK, await(c.getattr(sub)).status());
        expect(OK, await(c.getattr(dir)).status());
    }

    @Test
    void wrongTypesAndNames() throws IOException {
        byte[] dir = env.scratch();
        byte[] f = env.file(dir, "f", 0644);
        expect(NOTDIR, await(c.rmdir(dir, "f")).status(), "the name is a file");
        expect(NOTDIR, await(c.rmdir(f, "x")).status(), "the 'directory' is a file");
        expect(NOENT, await(c.rmdir(dir, "nothing")).status());
        expect(NAMETOOLONG, await(c.rmdir(dir, "d".repeat(256))).status());
        expect(OK, await(c.getattr(f)).status());
    }

    @Test
    void permission() throws IOException {
        byte[] dir = env.mkdir(env.scratch(), "r", 0755);
        env.mkdir(dir, "d", 0777);
        Fattr old = env.getattr(dir);
        WccResult r = await(env.as(1000, 100).rmdir(dir, "d"));
        expect(ACCES, r.status());
        DirChecks.unchanged(env, dir, old, r.wcc());
        byte[] sticky = env.mkdir(env.scratch(), "tmp", 01777);
        expect(OK, await(env.as(1000, 100).mkdir(sticky, "alice", Sattr.mode(0777))).status());
        expectOneOf(await(env.as(1001, 100).rmdir(sticky, "alice")).status(), "sticky directory", PERM, ACCES);
        expect(OK, await(env.as(1000, 100).rmdir(sticky, "alice")).status());
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] dir = env.scratchUnderRo();
        env.mkdir(dir, "d", 0755);
        HandleChecks.readOnly(env.via(NfsEnv.RO, dir), h -> await(c.rmdir(h, "d")).status());
        expect(OK, await(c.lookup(dir, "d")).status());
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> {
            env.mkdir(dir, "d", 0755);
            int s = await(c.rmdir(h, "d")).status();
            if (s != OK) expect(OK, await(c.rmdir(dir, "d")).status());
            return s;
        });
    }
}
