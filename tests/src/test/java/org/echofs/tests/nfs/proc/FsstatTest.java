package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.nfs.fixture.HandleChecks;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.echofs.tests.nfs.fixture.SharedGateways.Use;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * FSSTAT (RFC 1813 section 3.3.18): space and object counts as configured
 * ({@code storage.capacity}, {@code storage.max-objects}) and as used. Errors: STALE, BADHANDLE
 * (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class FsstatTest {

    /** Bytes the volume charges for each object, whatever its size. */
    static final long OBJECT_CHARGE = 512;

    private final NfsEnv env;
    private final Nfs3Client c;

    FsstatTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void totalsFollowTheConfiguration() throws IOException {
        byte[] dir = env.scratch();
        FsStatResult s = await(c.fsstat(dir));
        expect(OK, s.status());
        assertEquals(env.getattr(dir), s.attributes(), "post-op attributes of the object asked about");
        assertEquals(NfsEnv.CAPACITY, s.totalBytes(), "tbytes = storage.capacity");
        assertTrue(s.freeBytes() > 0 && s.freeBytes() < s.totalBytes());
        assertEquals(s.freeBytes(), s.availBytes(), "no reserve for root");
        assertEquals(NfsEnv.MAX_OBJECTS, s.totalFiles(), "tfiles = storage.max-objects");
        assertTrue(s.freeFiles() > 0 && s.freeFiles() < s.totalFiles());
        assertEquals(s.freeFiles(), s.availFiles());
        assertEquals(0, s.invarsec(), "the numbers may change at any time");
        FsStatResult viaFile = await(c.fsstat(env.file(dir, "f", 0644)));
        assertEquals(s.totalBytes(), viaFile.totalBytes(), "any object of the volume answers alike");
        FsStatResult viaOther = await(c.fsstat(env.root(NfsEnv.OTHER)));
        assertEquals(s.totalFiles(), viaOther.totalFiles(), "one volume behind every export");
    }

    @Test
    void countsFollowUse() throws IOException {
        byte[] dir = env.scratch();
        FsStatResult s0 = await(c.fsstat(dir));
        byte[] fh = env.file(dir, "f", 0644);
        FsStatResult s1 = await(c.fsstat(dir));
        assertEquals(s0.freeFiles() - 1, s1.freeFiles(), "one object more");
        assertEquals(s0.freeBytes() - OBJECT_CHARGE, s1.freeBytes(), "each object is charged");
        expect(OK, await(c.write(fh, 0, new byte[10_000], Nfs3Client.FILE_SYNC)).status());
        FsStatResult s2 = await(c.fsstat(dir));
        assertEquals(s1.freeBytes() - 12_288, s2.freeBytes(), "10000 bytes take three 4 KiB blocks");
        expect(OK, await(c.remove(dir, "f")).status());
        FsStatResult s3 = await(c.fsstat(dir));
        assertEquals(s0.freeFiles(), s3.freeFiles());
        assertEquals(s0.freeBytes(), s3.freeBytes(), "a remove gives everything back");
    }

    @Test
    void unstableDataIsCountedAndGivenBack() throws IOException {
        byte[] dir = env.scratch();
        FsStatResult s0 = await(c.fsstat(dir));
        byte[] fh = env.file(dir, "f", 0644);
        expect(OK, await(c.write(fh, 0, new byte[5000], Nfs3Client.UNSTABLE)).status());
        FsStatResult s1 = await(c.fsstat(dir));
        assertEquals(s0.freeBytes() - OBJECT_CHARGE - 8192, s1.freeBytes(), "uncommitted data takes space");
        expect(OK, await(c.remove(dir, "f")).status());
        assertEquals(s0.freeBytes(), await(c.fsstat(dir)).freeBytes(), "removed before COMMIT, all given back");
    }

    @Test
    void smallVolume(@Use(NfsEnv.Kind.SMALL_CAPACITY) NfsEnv small) throws IOException {
        FsStatResult s = await(small.client().fsstat(small.exportRoot()));
        expect(OK, s.status());
        assertEquals(1 << 20, s.totalBytes());
        assertTrue(s.freeBytes() <= s.totalBytes());
    }

    @Test
    void readOnlyExportAndAnonymousCallers() throws IOException {
        expect(OK, await(c.fsstat(env.root(NfsEnv.RO))).status());
        expect(OK, await(env.anonymous().fsstat(env.exportRoot())).status());
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> {
            FsStatResult r = await(c.fsstat(h));
            if (r.status() != OK) assertNull(r.attributes());
            return r.status();
        });
    }
}
