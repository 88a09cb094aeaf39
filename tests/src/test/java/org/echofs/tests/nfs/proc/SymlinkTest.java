package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.gateway.xdr.XdrException;
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
 * SYMLINK (RFC 1813 section 3.3.10). Errors: EXIST, NOTDIR, NAMETOOLONG (name over 255 bytes,
 * target over 4096), INVAL (empty target or NUL, documented choice), ACCES, ROFS, NOSPC, STALE,
 * BADHANDLE (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class SymlinkTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    SymlinkTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void makesALinkWhoseTargetComesBack() throws IOException {
        byte[] dir = env.scratch();
        Fattr old = env.getattr(dir);
        long t0 = WallClock.now();
        CreateResult r = await(env.as(1000, 100).symlink(dir, "l", Sattr.NONE, "../a/b c"));
        expect(OK, r.status());
        Fattr a = r.attributes();
        assertEquals(Nfs3Client.NF3LNK, a.type());
        assertEquals(0777, a.mode(), "links carry all permission bits");
        assertEquals(1, a.nlink());
        assertEquals(1000, a.uid());
        assertEquals(100, a.gid());
        assertEquals(8, a.size(), "the target's length");
        assertEquals(a, env.getattr(r.handle()));
        DirChecks.changed(env, dir, old, r.directory(), t0);
        ReadlinkResult back = await(c.readlink(r.handle()));
        assertEquals("../a/b c", back.target());
        LookupResult lk = await(c.lookup(dir, "l"));
        assertArrayEquals(r.handle(), lk.handle(), "LOOKUP does not follow links");
    }

    @Test
    void targetLimits() throws IOException {
        byte[] dir = env.scratch();
        expect(OK, await(c.symlink(dir, "max", Sattr.NONE, "t".repeat(4096))).status(), "4096 bytes");
        expect(NAMETOOLONG, await(c.symlink(dir, "over", Sattr.NONE, "t".repeat(4097))).status(), "4097 bytes");
        expect(INVAL, await(c.symlink(dir, "empty", Sattr.NONE, "")).status(), "empty target");
        expect(INVAL, await(c.symlink(dir, "nul", Sattr.NONE, "a\0b")).status(), "NUL in the target");
        try (RpcReply r = await(c.rpc().call(Nfs3Client.NFS_PROGRAM, 3, 10, c.credential(), out -> {
            out.writeOpaque(dir).writeString("bad");
            out.writeBoolean(false).writeBoolean(false).writeBoolean(false).writeBoolean(false).writeInt(0).writeInt(0);
            out.writeOpaque(new byte[] {'t', (byte) 0xc3});
        }))) {
            expect(INVAL, r.results().readInt(), "a target that is not UTF-8");
        } catch (XdrException e) {
            fail(e);
        }
        for (String n : new String[] {"over", "empty", "nul", "bad"}) {
            expect(NOENT, await(c.lookup(dir, n)).status(), "nothing made for '" + n + "'");
        }
    }

    @Test
    void existingNameAndOtherRefusals() throws IOException {
        byte[] dir = env.scratch();
        byte[] f = env.file(dir, "f", 0644);
        Fattr old = env.getattr(dir);
        CreateResult r = await(c.symlink(dir, "f", Sattr.NONE, "t"));
        expect(EXIST, r.status());
        DirChecks.unchanged(env, dir, old, r.directory());
        expect(EXIST, await(c.symlink(dir, "..", Sattr.NONE, "t")).status());
        expect(NOTDIR, await(c.symlink(f, "l", Sattr.NONE, "t")).status());
        expect(NAMETOOLONG, await(c.symlink(dir, "l".repeat(256), Sattr.NONE, "t")).status());
        byte[] locked = env.mkdir(dir, "r", 0755);
        expect(ACCES, await(env.as(1000, 100).symlink(locked, "l", Sattr.NONE, "t")).status());
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] dir = env.scratchUnderRo();
        HandleChecks.readOnly(env.via(NfsEnv.RO, dir), h -> await(c.symlink(h, "l", Sattr.NONE, "t")).status());
    }

    @Test
    void objectLimit(@Use(NfsEnv.Kind.FEW_OBJECTS) NfsEnv few) throws IOException {
        Nfs3Client fc = few.client();
        byte[] dir = few.scratch();
        List<String> made = new ArrayList<>();
        try {
            CreateResult r;
            while ((r = await(fc.symlink(dir, "l" + made.size(), Sattr.NONE, "t"))).status() == OK) {
                made.add("l" + made.size());
                assertTrue(made.size() <= 16, "more objects than the limit");
            }
            expect(NOSPC, r.status());
            expect(NOENT, await(fc.lookup(dir, "l" + made.size())).status());
        } finally {
            for (String n : made) expect(OK, await(fc.remove(dir, n)).status());
        }
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> await(c.symlink(h, env.name("l"), Sattr.NONE, "t"))
                .status());
    }
}
