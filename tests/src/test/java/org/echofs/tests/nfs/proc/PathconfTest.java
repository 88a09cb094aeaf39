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

/** PATHCONF (RFC 1813 section 3.3.20): the limits, and that they hold. Errors: STALE, BADHANDLE (and the export checks). */
@ExtendWith(SharedGateways.class)
class PathconfTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    PathconfTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void limits() throws IOException {
        byte[] dir = env.scratch();
        PathconfResult p = await(c.pathconf(dir));
        expect(OK, p.status());
        assertEquals(env.getattr(dir), p.attributes());
        assertEquals(NfsEnv.LINK_MAX, p.linkMax());
        assertEquals(255, p.nameMax());
        assertTrue(p.noTrunc(), "long names are refused, not cut");
        assertTrue(p.chownRestricted(), "only root gives files away");
        assertFalse(p.caseInsensitive());
        assertTrue(p.casePreserving());
    }

    @Test
    void theLimitsHold() throws IOException {
        byte[] dir = env.scratch();
        PathconfResult p = await(c.pathconf(dir));
        byte[] fh = env.file(dir, "n".repeat(p.nameMax()), 0644);
        expect(NAMETOOLONG, await(c.create(dir, "n".repeat(p.nameMax() + 1), Nfs3Client.GUARDED, Sattr.NONE))
                .status(), "no_trunc: one byte over name_max is refused");
        env.chown(fh, 1000, 100);
        expect(PERM, await(env.as(1000, 100).setattr(fh, new Sattr(null, 1001, null, null, null, null), null))
                .status(), "chown_restricted");
        env.file(dir, "Case", 0644);
        expect(NOENT, await(c.lookup(dir, "case")).status(), "case sensitive");
        expect(OK, await(c.create(dir, "case", Nfs3Client.GUARDED, Sattr.NONE)).status());
        assertEquals("Case", await(c.readdir(dir, 0, 0, 4096)).entries().get(3).name(), "case preserving");
    }

    @Test
    void fileHandlesAnswerToo() throws IOException {
        PathconfResult p = await(c.pathconf(env.file(env.scratch(), "f", 0644)));
        expect(OK, p.status());
        assertEquals(255, p.nameMax());
        expect(OK, await(c.pathconf(env.root(NfsEnv.RO))).status());
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> {
            PathconfResult r = await(c.pathconf(h));
            if (r.status() != OK) assertNull(r.attributes());
            return r.status();
        });
    }
}
