package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
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
 * ACCESS (RFC 1813 section 3.3.4): the granted bits, worked out here by hand from the mode bits,
 * for owner, group (primary and supplementary), other and root, on files and directories; a
 * read-only export withholds MODIFY, EXTEND and DELETE. Errors: STALE, BADHANDLE (and the export
 * checks).
 */
@ExtendWith(SharedGateways.class)
class AccessTest {

    static final int READ = 0x01, LOOKUP = 0x02, MODIFY = 0x04, EXTEND = 0x08, DELETE = 0x10, EXECUTE = 0x20;
    static final int ALL = 0x3f;

    private final NfsEnv env;
    private final Nfs3Client c;

    AccessTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    private int access(Nfs3Client who, byte[] fh, int mask) throws IOException {
        AccessResult r = await(who.access(fh, mask));
        expect(OK, r.status());
        assertEquals(env.getattr(fh), r.attributes(), "post-op attributes");
        assertEquals(0, r.access() & ~mask, "only requested bits come back");
        return r.access();
    }

    private byte[] owned(byte[] fh, int mode) throws IOException {
        env.chown(fh, 1000, 100);
        env.chmod(fh, mode);
        return fh;
    }

    @Test
    void regularFile() throws IOException {
        byte[] dir = env.scratch();
        byte[] f = owned(env.file(dir, "f", 0644), 0640);
        assertEquals(READ | MODIFY | EXTEND, access(env.as(1000, 100), f, ALL), "owner rw-");
        assertEquals(READ, access(env.as(1001, 100), f, ALL), "group r--");
        assertEquals(READ, access(env.as(1001, 555, 100), f, ALL), "group r-- through a supplementary group");
        assertEquals(0, access(env.as(1002, 300), f, ALL), "other ---");
        assertEquals(READ | MODIFY | EXTEND, access(c, f, ALL), "root: rw, no x without any x bit");
        assertEquals(0, access(env.anonymous(), f, ALL), "AUTH_NONE is other");
        assertEquals(READ, access(env.as(1000, 100), f, READ), "a subset asked, a subset answered");
    }

    @Test
    void executableFile() throws IOException {
        byte[] f = owned(env.file(env.scratch(), "f", 0644), 0751);
        assertEquals(READ | MODIFY | EXTEND | EXECUTE, access(env.as(1000, 100), f, ALL), "owner rwx");
        assertEquals(READ | EXECUTE, access(env.as(1001, 100), f, ALL), "group r-x");
        assertEquals(EXECUTE, access(env.as(1002, 300), f, ALL), "other --x");
        assertEquals(READ | MODIFY | EXTEND | EXECUTE, access(c, f, ALL), "root: x because some x bit is set");
    }

    @Test
    void deleteIsNotDecidedOnAFile() throws IOException {
        byte[] f = env.file(env.scratch(), "f", 0666);
        assertEquals(0, access(c, f, DELETE), "DELETE concerns directory entries; a file's answer is no");
    }

    @Test
    void directory() throws IOException {
        byte[] d = owned(env.mkdir(env.scratch(), "d", 0755), 0750);
        assertEquals(READ | LOOKUP | MODIFY | EXTEND | DELETE, access(env.as(1000, 100), d, ALL), "owner rwx");
        assertEquals(READ | LOOKUP, access(env.as(1001, 100), d, ALL), "group r-x");
        assertEquals(0, access(env.as(1002, 300), d, ALL), "other ---");
        assertEquals(READ | LOOKUP | MODIFY | EXTEND | DELETE, access(c, d, ALL), "root");
        env.chmod(d, 0703);
        assertEquals(LOOKUP | MODIFY | EXTEND | DELETE, access(env.as(1002, 300), d, ALL), "other -wx");
        env.chmod(d, 0702);
        assertEquals(0, access(env.as(1002, 300), d, ALL), "-w- without x: no entry may be changed");
        env.chmod(d, 0701);
        assertEquals(LOOKUP, access(env.as(1002, 300), d, ALL), "--x");
    }

    @Test
    void readOnlyExportWithholdsUpdates() throws IOException {
        byte[] dir = env.scratchUnderRo();
        byte[] f = owned(env.file(dir, "f", 0644), 0777);
        byte[] d = owned(env.mkdir(dir, "d", 0755), 0777);
        assertEquals(READ | EXECUTE, access(env.as(1000, 100), env.via(NfsEnv.RO, f), ALL));
        assertEquals(READ | LOOKUP, access(env.as(1000, 100), env.via(NfsEnv.RO, d), ALL));
        assertEquals(READ | EXECUTE, access(c, env.via(NfsEnv.RO, f), ALL), "root too");
    }

    @Test
    void rootSquashedIsOther() throws IOException {
        byte[] dir = env.mkdir(env.lookup(env.exportRoot(), "squash"), env.name("t"), 0755);
        byte[] f = env.file(dir, "f", 0640);
        assertEquals(0, access(c, env.via(NfsEnv.SQUASH, f), ALL), "root_squash: uid 0 is anonuid");
    }

    @Test
    void handleErrors() throws IOException {
        byte[] f = env.file(env.scratch(), "f", 0644);
        HandleChecks.check(env, f, env.staleFile(), h -> {
            AccessResult r = await(c.access(h, ALL));
            if (r.status() != OK) assertNull(r.attributes(), "no attributes for a handle that did not pass");
            return r.status();
        });
    }
}
