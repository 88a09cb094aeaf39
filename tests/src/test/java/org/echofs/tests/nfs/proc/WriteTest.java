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
import java.util.Random;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * WRITE (RFC 1813 section 3.3.7): count, committed and verifier for each stable_how, wcc data,
 * data longer than wtmax cut short. Errors: ISDIR, INVAL (not a regular file), ACCES, FBIG,
 * NOSPC (the file stays intact), ROFS, STALE, BADHANDLE (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class WriteTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    WriteTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void unstableWriteAnswersCountCommittedVerifierAndWcc() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", random(100, 1));
        Fattr old = env.getattr(fh);
        long t0 = WallClock.now();
        byte[] data = random(5000, 2);
        WriteResult w = await(c.write(fh, 50, data, Nfs3Client.UNSTABLE));
        long t1 = WallClock.now();
        expect(OK, w.status());
        assertEquals(5000, w.count());
        assertEquals(Nfs3Client.UNSTABLE, w.committed(), "nothing promised beyond what was asked");
        assertEquals(new PreOp(100, old.mtime(), old.ctime()), w.wcc().before(), "wcc before = attributes before");
        Fattr after = w.wcc().after();
        assertEquals(5050, after.size());
        assertEquals(8192, after.used());
        assertTrue(after.mtime() >= t0 && after.mtime() <= t1, "mtime moves");
        assertTrue(after.ctime() >= after.mtime(), "ctime moves with mtime");
        assertEquals(after, env.getattr(fh));
        byte[] expected = Arrays.copyOf(random(100, 1), 5050);
        System.arraycopy(data, 0, expected, 50, 5000);
        assertArrayEquals(expected, await(c.read(fh, 0, 10_000)).data());
    }

    @Test
    void stableWritesAndTheVerifier() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        WriteResult u = await(c.write(fh, 0, random(10, 3), Nfs3Client.UNSTABLE));
        WriteResult d = await(c.write(fh, 10, random(10, 4), Nfs3Client.DATA_SYNC));
        WriteResult f = await(c.write(fh, 20, random(10, 5), Nfs3Client.FILE_SYNC));
        expect(OK, u.status());
        expect(OK, d.status());
        expect(OK, f.status());
        assertTrue(d.committed() == Nfs3Client.DATA_SYNC || d.committed() == Nfs3Client.FILE_SYNC,
                "DATA_SYNC answered with DATA_SYNC or FILE_SYNC, was " + d.committed());
        assertEquals(Nfs3Client.FILE_SYNC, f.committed());
        assertEquals(u.verifier(), d.verifier(), "one write verifier while the server runs");
        assertEquals(u.verifier(), f.verifier());
        CommitResult commit = await(c.commit(fh, 0, 0));
        expect(OK, commit.status());
        assertEquals(u.verifier(), commit.verifier(), "COMMIT answers the WRITE verifier");
    }

    @Test
    void pipelinedWritesToOneFile() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        byte[] data = random(64 * 1000, 11);
        java.util.List<java.util.concurrent.CompletableFuture<WriteResult>> writes = new java.util.ArrayList<>();
        for (int i = 63; i >= 0; i--) {
            writes.add(c.write(fh, i * 1000L, data, i * 1000, 1000, i % 2 == 0 ? Nfs3Client.UNSTABLE
                    : Nfs3Client.FILE_SYNC));
        }
        for (var w : writes) expect(OK, await(w).status());
        expect(OK, await(c.commit(fh, 0, 0)).status());
        assertArrayEquals(data, await(c.read(fh, 0, 100_000)).data(), "64 writes in flight at once, in any order");
        assertEquals(data.length, env.getattr(fh).size());
    }

    @Test
    void dataOverWtmaxIsCutShort() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        byte[] data = random(NfsEnv.TRANSFER + 4096, 6);
        WriteResult w = await(c.write(fh, 0, data, Nfs3Client.FILE_SYNC));
        expect(OK, w.status());
        assertEquals(NfsEnv.TRANSFER, w.count(), "count tells the client how much was written");
        assertEquals(NfsEnv.TRANSFER, env.getattr(fh).size());
        assertArrayEquals(Arrays.copyOf(data, NfsEnv.TRANSFER), await(c.read(fh, 0, NfsEnv.TRANSFER)).data());
    }

    @Test
    void emptyWriteChangesNothing() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", random(10, 7));
        Fattr old = env.getattr(fh);
        WriteResult w = await(c.write(fh, 5, new byte[0], Nfs3Client.FILE_SYNC));
        expect(OK, w.status());
        assertEquals(0, w.count());
        assertEquals(old, env.getattr(fh));
    }

    @Test
    void notARegularFile() throws IOException {
        byte[] dir = env.scratch();
        WriteResult d = await(c.write(dir, 0, new byte[1], Nfs3Client.FILE_SYNC));
        expect(ISDIR, d.status(), "a directory");
        assertEquals(env.getattr(dir), d.wcc().after(), "the failure arm has post-op attributes");
        expect(INVAL, await(c.write(env.symlink(dir, "l", "t"), 0, new byte[1], Nfs3Client.FILE_SYNC)).status(),
                "a symbolic link");
        expect(INVAL, await(c.write(env.fifo(dir, "p"), 0, new byte[1], Nfs3Client.FILE_SYNC)).status(), "a FIFO");
    }

    @Test
    void writePermission() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        env.chown(fh, 1000, 100);
        env.chmod(fh, 0664);
        Fattr old = env.getattr(fh);
        WriteResult other = await(env.as(1002, 300).write(fh, 0, new byte[3], Nfs3Client.FILE_SYNC));
        expect(ACCES, other.status(), "other has no w bit");
        assertEquals(old, other.wcc().after(), "nothing written");
        expect(ACCES, await(env.anonymous().write(fh, 0, new byte[3], Nfs3Client.UNSTABLE)).status(), "AUTH_NONE");
        expect(OK, await(env.as(1001, 100).write(fh, 0, new byte[3], Nfs3Client.UNSTABLE)).status(), "group w");
        env.chmod(fh, 0444);
        expect(OK, await(env.as(1000, 100).write(fh, 0, new byte[3], Nfs3Client.UNSTABLE)).status(),
                "the owner may always write (as Linux nfsd, for files created read-only)");
        expect(OK, await(c.write(fh, 0, new byte[3], Nfs3Client.UNSTABLE)).status(), "root");
    }

    @Test
    void beyondTheLargestFile() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", random(10, 8));
        Fattr old = env.getattr(fh);
        expect(FBIG, await(c.write(fh, NfsEnv.MAX_FILE_SIZE, new byte[1], Nfs3Client.FILE_SYNC)).status(),
                "at the largest size");
        expect(FBIG, await(c.write(fh, NfsEnv.MAX_FILE_SIZE - 1, new byte[2], Nfs3Client.FILE_SYNC)).status(),
                "across the largest size");
        expect(FBIG, await(c.write(fh, Long.MAX_VALUE, new byte[1], Nfs3Client.UNSTABLE)).status(), "2^63-1");
        expect(FBIG, await(c.write(fh, -2L, new byte[1], Nfs3Client.UNSTABLE)).status(), "offset 2^64-2");
        assertEquals(old, env.getattr(fh));
    }

    @Test
    void noSpaceLeavesTheFileIntact(@Use(NfsEnv.Kind.SMALL_CAPACITY) NfsEnv small) throws IOException {
        Nfs3Client sc = small.client();
        byte[] dir = small.scratch();
        byte[] fh = small.file(dir, "f", 0644);
        try {
            byte[] chunk = random(NfsEnv.TRANSFER, 9);
            long offset = 0;
            WriteResult w;
            while ((w = await(sc.write(fh, offset, chunk, Nfs3Client.FILE_SYNC))).status() == OK) {
                assertEquals(chunk.length, w.count());
                offset += chunk.length;
                assertTrue(offset <= (1 << 20), "a 1 MiB volume took more than 1 MiB");
            }
            expect(NOSPC, w.status(), "the volume is full");
            assertNotNull(w.wcc().after());
            assertEquals(offset, w.wcc().after().size(), "the failed write added nothing");
            Fattr a = small.getattr(fh);
            assertEquals(offset, a.size());
            for (long o = 0; o < offset; o += chunk.length) {
                assertArrayEquals(chunk, await(sc.read(fh, o, chunk.length)).data(), "data before the failure");
            }
            expect(NOSPC, await(sc.write(fh, offset, chunk, Nfs3Client.UNSTABLE)).status(), "UNSTABLE too");
            expect(OK, await(sc.write(fh, 0, chunk, Nfs3Client.FILE_SYNC)).status(), "overwriting needs no space");
            FsStatResult fs = await(sc.fsstat(fh));
            assertTrue(fs.freeBytes() < NfsEnv.TRANSFER, "FSSTAT agrees the volume is full: " + fs.freeBytes());
        } finally {
            expect(OK, await(sc.remove(dir, "f")).status());
        }
        expect(OK, await(sc.write(small.file(dir, "g", 0644), 0, new byte[4096], Nfs3Client.FILE_SYNC)).status(),
                "space is back after the remove");
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] fh = env.file(env.scratchUnderRo(), "f", 0644);
        HandleChecks.readOnly(env.via(NfsEnv.RO, fh),
                h -> await(c.write(h, 0, new byte[1], Nfs3Client.UNSTABLE)).status());
        assertEquals(0, env.getattr(fh).size());
    }

    @Test
    void handleErrors() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        HandleChecks.check(env, fh, env.staleFile(), h -> await(c.write(h, 0, new byte[1], Nfs3Client.FILE_SYNC))
                .status());
    }
}
