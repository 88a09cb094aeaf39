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
 * FSINFO (RFC 1813 section 3.3.19): transfer sizes as configured ({@code nfs.rtmax},
 * {@code nfs.wtmax}), and limits the server then keeps. Errors: STALE, BADHANDLE (and the export
 * checks).
 */
@ExtendWith(SharedGateways.class)
class FsinfoTest {

    static final int FSF3_LINK = 0x1, FSF3_SYMLINK = 0x2, FSF3_HOMOGENEOUS = 0x8, FSF3_CANSETTIME = 0x10;

    private final NfsEnv env;
    private final Nfs3Client c;

    FsinfoTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void valuesFollowTheConfiguration() throws IOException {
        byte[] root = env.exportRoot();
        FsInfoResult i = await(c.fsinfo(root));
        expect(OK, i.status());
        assertEquals(env.getattr(root), i.attributes());
        assertEquals(NfsEnv.TRANSFER, i.rtmax(), "rtmax = nfs.rtmax");
        assertEquals(NfsEnv.TRANSFER, i.rtpref());
        assertEquals(4096, i.rtmult());
        assertEquals(NfsEnv.TRANSFER, i.wtmax(), "wtmax = nfs.wtmax");
        assertEquals(NfsEnv.TRANSFER, i.wtpref());
        assertEquals(4096, i.wtmult());
        assertEquals(64 * 1024, i.dtpref());
        assertEquals(NfsEnv.MAX_FILE_SIZE, i.maxFileSize());
        assertEquals(1, i.timeDelta(), "times are kept to the nanosecond");
        assertEquals(FSF3_LINK | FSF3_SYMLINK | FSF3_HOMOGENEOUS | FSF3_CANSETTIME, i.properties());
    }

    @Test
    void theServerKeepsWhatItAnnounced() throws IOException {
        byte[] dir = env.scratch();
        FsInfoResult i = await(c.fsinfo(dir));
        byte[] fh = env.file(dir, "f", 0644);
        WriteResult w = await(c.write(fh, 0, new byte[i.wtmax()], Nfs3Client.FILE_SYNC));
        assertEquals(i.wtmax(), w.count(), "a WRITE of wtmax is taken whole");
        ReadResult r = await(c.read(fh, 0, i.rtmax()));
        assertEquals(i.rtmax(), r.count(), "a READ of rtmax is answered whole");
        long odd = 1_000_000_000L * 1_700_000_000L + 1;
        WccResult t = await(c.setattr(fh, new Sattr(null, null, null, null, odd, odd), null));
        assertEquals(odd, t.wcc().after().mtime(), "FSF3_CANSETTIME, at time_delta precision");
        expect(OK, await(c.link(fh, dir, "g")).status(), "FSF3_LINK");
        expect(OK, await(c.symlink(dir, "l", Sattr.NONE, "f")).status(), "FSF3_SYMLINK");
        expect(FBIG, await(c.write(fh, i.maxFileSize(), new byte[1], Nfs3Client.UNSTABLE)).status(),
                "nothing beyond maxfilesize");
    }

    @Test
    void sameForEveryExportAndObject() throws IOException {
        FsInfoResult a = await(c.fsinfo(env.root(NfsEnv.RO)));
        FsInfoResult b = await(c.fsinfo(env.file(env.scratch(), "f", 0644)));
        expect(OK, a.status());
        expect(OK, b.status());
        assertEquals(a.rtmax(), b.rtmax());
        assertEquals(a.properties(), b.properties(), "FSF3_HOMOGENEOUS");
        expect(OK, await(env.anonymous().fsinfo(env.exportRoot())).status());
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> {
            FsInfoResult r = await(c.fsinfo(h));
            if (r.status() != OK) assertNull(r.attributes());
            return r.status();
        });
    }
}
