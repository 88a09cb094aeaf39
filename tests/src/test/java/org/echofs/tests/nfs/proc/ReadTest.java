package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.nfs.fixture.HandleChecks;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * READ (RFC 1813 section 3.3.6): data, count and eof, count capped at rtmax. Errors: ISDIR,
 * INVAL (not a regular file), ACCES, STALE, BADHANDLE (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class ReadTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    ReadTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void readsWithCountAndEof() throws IOException {
        byte[] data = random(10_000, 1);
        byte[] fh = env.file(env.scratch(), "f", data);
        Fattr attrs = env.getattr(fh);
        ReadResult head = await(c.read(fh, 0, 4000));
        expect(OK, head.status());
        assertEquals(4000, head.count());
        assertEquals(head.count(), head.data().length, "count is the length of the data");
        assertFalse(head.eof());
        assertArrayEquals(Arrays.copyOf(data, 4000), head.data());
        assertEquals(attrs, head.attributes(), "post-op attributes (reads do not move atime)");
        ReadResult tail = await(c.read(fh, 4000, 6000));
        expect(OK, tail.status());
        assertEquals(6000, tail.count());
        assertTrue(tail.eof(), "the read reached the end");
        assertArrayEquals(Arrays.copyOfRange(data, 4000, 10_000), tail.data());
        ReadResult over = await(c.read(fh, 9000, 5000));
        assertEquals(1000, over.count(), "a read past the end is short");
        assertTrue(over.eof());
        assertArrayEquals(Arrays.copyOfRange(data, 9000, 10_000), over.data());
    }

    @Test
    void atAndPastTheEnd() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", random(100, 2));
        for (long offset : new long[] {100, 101, 1L << 40, Long.MAX_VALUE, -1L /* 2^64-1 */}) {
            ReadResult r = await(c.read(fh, offset, 10));
            expect(OK, r.status(), "offset " + Long.toUnsignedString(offset));
            assertEquals(0, r.count());
            assertEquals(0, r.data().length);
            assertTrue(r.eof(), "eof at offset " + Long.toUnsignedString(offset));
        }
        ReadResult empty = await(c.read(env.file(env.scratch(), "e", 0644), 0, 10));
        assertTrue(empty.eof(), "an empty file is all end");
        ReadResult none = await(c.read(fh, 0, 0));
        expect(OK, none.status());
        assertEquals(0, none.count());
        assertFalse(none.eof(), "nothing asked for, not at the end");
    }

    @Test
    void countIsCappedAtRtmax() throws IOException {
        byte[] data = random(NfsEnv.TRANSFER + 5000, 3);
        byte[] fh = env.file(env.scratch(), "f", data);
        FsInfoResult info = await(c.fsinfo(fh));
        assertEquals(NfsEnv.TRANSFER, info.rtmax());
        ReadResult r = await(c.read(fh, 0, 1 << 20));
        expect(OK, r.status());
        assertEquals(NfsEnv.TRANSFER, r.count(), "a read over rtmax returns rtmax bytes");
        assertFalse(r.eof());
        assertArrayEquals(Arrays.copyOf(data, NfsEnv.TRANSFER), r.data());
    }

    @Test
    void unstableDataIsVisible() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        byte[] data = random(3000, 4);
        expect(OK, await(c.write(fh, 0, data, Nfs3Client.UNSTABLE)).status());
        ReadResult r = await(c.read(fh, 0, 5000));
        assertArrayEquals(data, r.data(), "a READ sees an UNSTABLE WRITE before COMMIT");
        assertEquals(3000, r.attributes().size());
    }

    @Test
    void sparseRegionsReadAsZeros() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        expect(OK, await(c.write(fh, 10_000, new byte[] {9}, Nfs3Client.FILE_SYNC)).status());
        ReadResult r = await(c.read(fh, 0, 20_000));
        assertEquals(10_001, r.count());
        byte[] expected = new byte[10_001];
        expected[10_000] = 9;
        assertArrayEquals(expected, r.data());
    }

    @Test
    void notARegularFile() throws IOException {
        byte[] dir = env.scratch();
        ReadResult d = await(c.read(dir, 0, 100));
        expect(ISDIR, d.status(), "a directory");
        assertEquals(env.getattr(dir), d.attributes(), "the failure arm has post-op attributes");
        expect(INVAL, await(c.read(env.symlink(dir, "l", "t"), 0, 100)).status(), "a symbolic link");
        expect(INVAL, await(c.read(env.fifo(dir, "p"), 0, 100)).status(), "a FIFO");
    }

    @Test
    void readPermission() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "f", random(10, 5));
        env.chown(fh, 1000, 100);
        env.chmod(fh, 0640);
        ReadResult other = await(env.as(1002, 300).read(fh, 0, 10));
        expect(ACCES, other.status(), "other has no r bit");
        assertEquals(env.getattr(fh), other.attributes());
        expect(ACCES, await(env.anonymous().read(fh, 0, 10)).status(), "AUTH_NONE");
        expect(OK, await(env.as(1001, 100).read(fh, 0, 10)).status(), "group r");
        env.chmod(fh, 0200);
        expect(OK, await(env.as(1000, 100).read(fh, 0, 10)).status(), "the owner may always read (as Linux nfsd)");
        expect(OK, await(c.read(fh, 0, 10)).status(), "root");
        byte[] ro = env.file(env.scratchUnderRo(), "g", random(10, 6));
        expect(OK, await(c.read(env.via(NfsEnv.RO, ro), 0, 10)).status(), "a read-only export reads");
    }

    @Test
    void handleErrors() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", random(10, 7));
        HandleChecks.check(env, fh, env.staleFile(), h -> await(c.read(h, 0, 10)).status());
    }
}
