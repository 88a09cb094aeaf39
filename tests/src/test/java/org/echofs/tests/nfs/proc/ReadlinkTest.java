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

/** READLINK (RFC 1813 section 3.3.5). Errors: INVAL (not a link), STALE, BADHANDLE (and the export checks). */
@ExtendWith(SharedGateways.class)
class ReadlinkTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    ReadlinkTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void targetsComeBackAsWritten() throws IOException {
        byte[] dir = env.scratch();
        String[] targets = {"plain", "../up/and/over", "/absolute/path", "sp ace", "\u00fcnic\u00f8de-\u65e5\u672c",
                "x".repeat(4096)};
        for (int i = 0; i < targets.length; i++) {
            byte[] l = env.symlink(dir, "l" + i, targets[i]);
            ReadlinkResult r = await(c.readlink(l));
            expect(OK, r.status());
            assertEquals(targets[i], r.target());
            assertEquals(env.getattr(l), r.attributes(), "post-op attributes of the link");
        }
    }

    @Test
    void anyoneMayReadALinkAnywhere() throws IOException {
        byte[] dir = env.scratchUnderRo();
        byte[] l = env.symlink(dir, "l", "t");
        expect(OK, await(env.as(1002, 300).readlink(l)).status());
        expect(OK, await(env.anonymous().readlink(l)).status());
        assertEquals("t", await(c.readlink(env.via(NfsEnv.RO, l))).target(), "through a read-only export");
    }

    @Test
    void notALink() throws IOException {
        byte[] dir = env.scratch();
        byte[] f = env.file(dir, "f", 0644);
        ReadlinkResult r = await(c.readlink(f));
        expect(INVAL, r.status(), "a regular file");
        assertEquals(env.getattr(f), r.attributes());
        expect(INVAL, await(c.readlink(dir)).status(), "a directory");
        expect(INVAL, await(c.readlink(env.fifo(dir, "p"))).status(), "a FIFO");
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        byte[] l = env.symlink(dir, "l", "t");
        byte[] gone = env.symlink(dir, "gone", "t");
        expect(OK, await(c.remove(dir, "gone")).status());
        HandleChecks.check(env, l, gone, h -> await(c.readlink(h)).status());
    }
}
