package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.gateway.client.RpcFailure;
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
 * MKNOD (RFC 1813 section 3.3.11): FIFOs, sockets, character and block devices. Errors: BADTYPE
 * (regular file, directory, link), PERM (devices by non-root, as the storage engine enforces),
 * EXIST, NOTDIR, NAMETOOLONG, ACCES, ROFS, NOSPC, STALE, BADHANDLE (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class MknodTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    MknodTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void fifoAndSocket() throws IOException {
        byte[] dir = env.scratch();
        Fattr old = env.getattr(dir);
        long t0 = WallClock.now();
        CreateResult fifo = await(env.as(1000, 100).mknod(dir, "p", Nfs3Client.NF3FIFO, Sattr.mode(0620), 0, 0));
        expect(OK, fifo.status());
        assertEquals(Nfs3Client.NF3FIFO, fifo.attributes().type());
        assertEquals(0620, fifo.attributes().mode());
        assertEquals(1000, fifo.attributes().uid(), "a user may make a FIFO");
        assertEquals(0, fifo.attributes().size());
        assertEquals(0, fifo.attributes().rdevMajor());
        assertEquals(fifo.attributes(), env.getattr(fifo.handle()));
        DirChecks.changed(env, dir, old, fifo.directory(), t0);
        CreateResult sock = await(c.mknod(dir, "s", Nfs3Client.NF3SOCK, Sattr.mode(0755), 0, 0));
        expect(OK, sock.status());
        assertEquals(Nfs3Client.NF3SOCK, sock.attributes().type());
        assertEquals(0755, sock.attributes().mode());
    }

    @Test
    void devicesCarryTheirNumbers() throws IOException {
        byte[] dir = env.scratch();
        CreateResult chr = await(c.mknod(dir, "null", Nfs3Client.NF3CHR, Sattr.mode(0666), 1, 3));
        expect(OK, chr.status());
        assertEquals(Nfs3Client.NF3CHR, chr.attributes().type());
        assertEquals(1, chr.attributes().rdevMajor());
        assertEquals(3, chr.attributes().rdevMinor());
        assertEquals(0666, chr.attributes().mode());
        CreateResult blk = await(c.mknod(dir, "sda", Nfs3Client.NF3BLK, Sattr.mode(0660), 8, 0));
        expect(OK, blk.status());
        assertEquals(Nfs3Client.NF3BLK, blk.attributes().type());
        assertEquals(8, blk.attributes().rdevMajor());
        assertEquals(0, blk.attributes().rdevMinor());
        assertEquals(blk.attributes(), env.getattr(blk.handle()));
        CreateResult big = await(c.mknod(dir, "big", Nfs3Client.NF3CHR, Sattr.NONE, 0x7fffffff, 0xfffff));
        expect(OK, big.status());
        assertEquals(0x7fffffff, big.attributes().rdevMajor(), "the numbers go through unchanged");
        assertEquals(0xfffff, big.attributes().rdevMinor());
    }

    @Test
    void devicesNeedRoot() throws IOException {
        byte[] dir = env.scratch();
        Fattr old = env.getattr(dir);
        CreateResult r = await(env.as(1000, 100).mknod(dir, "d", Nfs3Client.NF3CHR, Sattr.mode(0666), 1, 3));
        expect(PERM, r.status(), "as mknod(2): only a privileged caller makes device nodes");
        DirChecks.unchanged(env, dir, old, r.directory());
        expect(PERM, await(env.as(1000, 100).mknod(dir, "d", Nfs3Client.NF3BLK, Sattr.NONE, 8, 0)).status());
        expect(PERM, await(env.anonymous().mknod(dir, "d", Nfs3Client.NF3BLK, Sattr.NONE, 8, 0)).status());
    }

    @Test
    void otherTypesAreBadType() throws IOException {
        byte[] dir = env.scratch();
        for (int type : new int[] {Nfs3Client.NF3REG, Nfs3Client.NF3DIR, Nfs3Client.NF3LNK}) {
            CreateResult r = await(c.mknod(dir, "x", type, Sattr.NONE, 0, 0));
            expect(BADTYPE, r.status(), "ftype3 " + type);
            assertNotNull(r.directory().after());
        }
        expect(NOENT, await(c.lookup(dir, "x")).status());
        RpcFailure e = assertThrows(RpcFailure.class, () -> await(c.mknod(dir, "x", 8, Sattr.NONE, 0, 0)));
        assertTrue(e.getMessage().contains("GARBAGE_ARGS"), "an ftype3 outside 1..7 does not decode: " + e);
    }

    @Test
    void refusals() throws IOException {
        byte[] dir = env.scratch();
        byte[] f = env.file(dir, "f", 0644);
        expect(EXIST, await(c.mknod(dir, "f", Nfs3Client.NF3FIFO, Sattr.NONE, 0, 0)).status());
        expect(EXIST, await(c.mknod(dir, ".", Nfs3Client.NF3FIFO, Sattr.NONE, 0, 0)).status());
        expect(NOTDIR, await(c.mknod(f, "p", Nfs3Client.NF3FIFO, Sattr.NONE, 0, 0)).status());
        expect(NAMETOOLONG, await(c.mknod(dir, "p".repeat(256), Nfs3Client.NF3FIFO, Sattr.NONE, 0, 0)).status());
        byte[] locked = env.mkdir(dir, "r", 0755);
        expect(ACCES, await(env.as(1000, 100).mknod(locked, "p", Nfs3Client.NF3FIFO, Sattr.NONE, 0, 0)).status());
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] dir = env.scratchUnderRo();
        HandleChecks.readOnly(env.via(NfsEnv.RO, dir),
                h -> await(c.mknod(h, "p", Nfs3Client.NF3FIFO, Sattr.NONE, 0, 0)).status());
    }

    @Test
    void objectLimit(@Use(NfsEnv.Kind.FEW_OBJECTS) NfsEnv few) throws IOException {
        Nfs3Client fc = few.client();
        byte[] dir = few.scratch();
        List<String> made = new ArrayList<>();
        try {
            CreateResult r;
            while ((r = await(fc.mknod(dir, "p" + made.size(), Nfs3Client.NF3FIFO, Sattr.NONE, 0, 0))).status()
                    == OK) {
                made.add("p" + made.size());
                assertTrue(made.size() <= 16, "more objects than the limit");
            }
            expect(NOSPC, r.status());
        } finally {
            for (String n : made) expect(OK, await(fc.remove(dir, n)).status());
        }
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(),
                h -> await(c.mknod(h, env.name("p"), Nfs3Client.NF3FIFO, Sattr.NONE, 0, 0)).status());
    }
}
