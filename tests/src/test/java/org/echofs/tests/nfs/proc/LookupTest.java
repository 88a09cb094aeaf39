package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.gateway.xdr.XdrException;
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
 * LOOKUP (RFC 1813 section 3.3.3). Errors: NOENT, ACCES, NOTDIR, NAMETOOLONG, STALE, BADHANDLE;
 * INVAL for names that are not names (documented choice).
 */
@ExtendWith(SharedGateways.class)
class LookupTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    LookupTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void findsAFileWithItsAndTheDirectorysAttributes() throws IOException {
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "hello", new byte[42]);
        LookupResult r = await(c.lookup(dir, "hello"));
        expect(OK, r.status());
        assertArrayEquals(fh, r.handle(), "the same handle CREATE gave");
        assertEquals(env.getattr(fh), r.object());
        assertEquals(env.getattr(dir), r.directory());
        assertEquals(42, r.object().size());
    }

    @Test
    void dotAndDotDot() throws IOException {
        byte[] dir = env.scratch();
        byte[] sub = env.mkdir(dir, "sub", 0755);
        LookupResult dot = await(c.lookup(sub, "."));
        expect(OK, dot.status());
        assertEquals(env.getattr(sub).fileId(), dot.object().fileId());
        LookupResult up = await(c.lookup(sub, ".."));
        expect(OK, up.status());
        assertEquals(env.getattr(dir).fileId(), up.object().fileId());
        assertArrayEquals(dir, up.handle());
    }

    @Test
    void dotDotOfAnExportRootIsTheRoot() throws IOException {
        for (int id : new int[] {NfsEnv.EXPORT, NfsEnv.RO}) {
            byte[] root = env.root(id);
            LookupResult up = await(c.lookup(root, ".."));
            expect(OK, up.status());
            assertArrayEquals(root, up.handle(), "clients never climb out of export " + id);
        }
    }

    @Test
    void handlesCarryTheExportTheyWereFoundThrough() throws IOException {
        byte[] dir = env.scratchUnderRo();
        byte[] fh = env.file(dir, "f", 0644);
        LookupResult r = await(c.lookup(env.via(NfsEnv.RO, dir), "f"));
        expect(OK, r.status(), "LOOKUP works on a read-only export");
        assertEquals(NfsEnv.RO, env.decode(r.handle()).exportId());
        assertEquals(env.decode(fh).objectId(), env.decode(r.handle()).objectId());
    }

    @Test
    void missingName() throws IOException {
        byte[] dir = env.scratch();
        LookupResult r = await(c.lookup(dir, "nothing-here"));
        expect(NOENT, r.status());
        assertNull(r.handle());
        assertEquals(env.getattr(dir), r.directory(), "the failure arm has the directory's attributes");
        env.file(dir, "x", 0644);
        expect(OK, await(c.remove(dir, "x")).status());
        expect(NOENT, await(c.lookup(dir, "x")).status(), "a removed name");
    }

    @Test
    void notADirectory() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        LookupResult r = await(c.lookup(fh, "x"));
        expect(NOTDIR, r.status());
        assertEquals(env.getattr(fh), r.directory());
        expect(NOTDIR, await(c.lookup(env.symlink(env.scratch(), "l", "."), "x")).status(), "a symbolic link");
    }

    @Test
    void searchPermission() throws IOException {
        byte[] dir = env.scratch();
        byte[] locked = env.mkdir(dir, "locked", 0700);
        env.file(locked, "f", 0644);
        Nfs3Client user = env.as(1000, 100);
        expect(ACCES, await(user.lookup(locked, "f")).status(), "no search permission");
        expect(ACCES, await(user.lookup(locked, "nothing")).status(), "ACCES before NOENT: names stay hidden");
        expect(ACCES, await(env.anonymous().lookup(locked, "f")).status(), "AUTH_NONE is the anonymous user");
        byte[] searchOnly = env.mkdir(dir, "x-only", 0711);
        env.file(searchOnly, "f", 0644);
        expect(OK, await(user.lookup(searchOnly, "f")).status(), "search (x) is enough, read is not needed");
        expect(OK, await(c.lookup(locked, "f")).status(), "root may search anything");
    }

    @Test
    void nameLengths() throws IOException {
        byte[] dir = env.scratch();
        String longest = "n".repeat(255);
        env.file(dir, longest, 0644);
        expect(OK, await(c.lookup(dir, longest)).status(), "255 bytes is a name");
        LookupResult r = await(c.lookup(dir, "n".repeat(256)));
        expect(NAMETOOLONG, r.status(), "256 bytes");
        assertEquals(env.getattr(dir), r.directory());
        expect(NAMETOOLONG, await(c.lookup(dir, "\u00e9".repeat(128))).status(), "256 bytes of UTF-8 in 128 chars");
    }

    @Test
    void thingsThatAreNotNames() throws IOException {
        byte[] dir = env.scratch();
        expect(INVAL, await(c.lookup(dir, "")).status(), "empty name");
        expect(INVAL, await(c.lookup(dir, "a/b")).status(), "a path, not a name");
        expect(INVAL, await(c.lookup(dir, "a\0b")).status(), "NUL in a name");
        try (RpcReply r = await(c.rpc().call(Nfs3Client.NFS_PROGRAM, 3, 3, c.credential(),
                out -> out.writeOpaque(dir).writeOpaque(new byte[] {'a', (byte) 0xff, 'b'})))) {
            expect(INVAL, r.results().readInt(), "a name that is not UTF-8");
        } catch (XdrException e) {
            fail(e);
        }
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> await(c.lookup(h, "x")).status());
    }
}
