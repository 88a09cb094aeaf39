package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.nfs.fixture.HandleChecks;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.ReplySize;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * READDIRPLUS (RFC 1813 section 3.3.17): entries with attributes and usable handles, paging,
 * dircount and maxcount. Errors: BAD_COOKIE, TOOSMALL, NOTDIR, ACCES, STALE, BADHANDLE (and the
 * export checks).
 */
@ExtendWith(SharedGateways.class)
class ReaddirplusTest {

    static final int READDIRPLUS = 17;

    private final NfsEnv env;
    private final Nfs3Client c;

    ReaddirplusTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void entriesCarryAttributesAndHandles() throws IOException {
        byte[] parent = env.scratch();
        byte[] dir = env.mkdir(parent, "d", 0755);
        byte[] f = env.file(dir, "file", new byte[123]);
        byte[] sub = env.mkdir(dir, "sub", 0700);
        ReaddirPlusResult r = await(c.readdirplus(dir, 0, 0, 4096, 8192));
        expect(OK, r.status());
        assertTrue(r.eof());
        assertNotEquals(0, r.verifier());
        assertEquals(env.getattr(dir), r.directory());
        List<DirEntryPlus> e = r.entries();
        assertEquals(List.of(".", "..", "file", "sub"), e.stream().map(DirEntryPlus::name).toList());
        byte[][] expected = {dir, parent, f, sub};
        for (int i = 0; i < e.size(); i++) {
            DirEntryPlus x = e.get(i);
            assertNotNull(x.handle(), x.name() + ": handle");
            assertArrayEquals(expected[i], x.handle(), x.name() + ": the handle LOOKUP would give");
            assertEquals(env.getattr(expected[i]), x.attributes(), x.name() + ": attributes");
            assertEquals(x.attributes().fileId(), x.fileId());
            AttrResult viaHandle = await(c.getattr(x.handle()));
            expect(OK, viaHandle.status(), x.name() + ": the handle works");
        }
        ReaddirResult plain = await(c.readdir(dir, 0, 0, 4096));
        assertEquals(plain.verifier(), r.verifier(), "READDIR and READDIRPLUS share cookies and verifier");
        for (int i = 0; i < e.size(); i++) assertEquals(plain.entries().get(i).cookie(), e.get(i).cookie());
    }

    @Test
    void handlesBelongToTheExportListed() throws IOException {
        byte[] dir = env.scratchUnderRo();
        byte[] f = env.file(dir, "f", 0644);
        ReaddirPlusResult r = await(c.readdirplus(env.via(NfsEnv.RO, dir), 0, 0, 4096, 8192));
        expect(OK, r.status(), "a read-only export lists");
        DirEntryPlus e = r.entries().get(2);
        assertEquals(NfsEnv.RO, env.decode(e.handle()).exportId());
        assertEquals(env.decode(f).objectId(), env.decode(e.handle()).objectId());
        byte[] root = env.root(NfsEnv.OTHER);
        ReaddirPlusResult top = await(c.readdirplus(root, 0, 0, 4096, 8192));
        assertArrayEquals(root, top.entries().get(1).handle(), "'..' of an export root is the root");
    }

    @Test
    void aThousandEntriesInSmallPagesEachExactlyOnce() throws IOException {
        byte[] dir = env.scratch();
        ReaddirTest.fill(env, dir, "e", 1000);
        List<String> names = new ArrayList<>();
        long cookie = 0, verifier = 0;
        int pages = 0;
        while (true) {
            ReaddirPlusResult r = await(c.readdirplus(dir, cookie, verifier, 300, 2048));
            expect(OK, r.status());
            for (DirEntryPlus e : r.entries()) {
                names.add(e.name());
                assertNotNull(e.attributes());
                assertNotNull(e.handle());
            }
            pages++;
            if (r.eof()) break;
            cookie = r.entries().get(r.entries().size() - 1).cookie();
            verifier = r.verifier();
        }
        assertTrue(pages > 50, "small pages: " + pages);
        assertEquals(1002, names.size());
        Set<String> expected = new HashSet<>(Set.of(".", ".."));
        for (int i = 0; i < 1000; i++) expected.add("e" + i);
        assertEquals(expected, new HashSet<>(names));
        int sample = 0;
        for (DirEntryPlus e : await(c.readdirplus(dir, 0, 0, 8192, 65536)).entries()) {
            if (sample++ % 97 == 0) expect(OK, await(c.getattr(e.handle())).status(), e.name());
        }
    }

    @Test
    void dircountAndMaxcountBoundTheReply() throws IOException {
        byte[] dir = env.scratch();
        ReaddirTest.fill(env, dir, "some-entry-name-", 200);
        for (int maxcount : new int[] {300, 512, 1000, 4096, 10_000}) {
            for (int dircount : new int[] {60, 200, 1000, 8192}) {
                ReaddirPlusResult r = await(c.readdirplus(dir, 0, 0, dircount, maxcount));
                expect(OK, r.status(), dircount + "/" + maxcount);
                int size = ReplySize.of(c, READDIRPLUS, ReplySize.readdirplus(dir, 0, 0, dircount, maxcount));
                assertTrue(size <= maxcount, "reply of " + size + " bytes for maxcount " + maxcount);
                int info = 0;
                for (DirEntryPlus e : r.entries()) {
                    info += 8 + 4 + ((e.name().getBytes(StandardCharsets.UTF_8).length + 3) & ~3) + 8;
                }
                assertTrue(info <= dircount, "directory information of " + info + " bytes for dircount " + dircount);
                assertFalse(r.eof(), "200 entries never fit in these sizes");
            }
        }
        int big = ReplySize.of(c, READDIRPLUS, ReplySize.readdirplus(dir, 0, 0, 1 << 20, 1 << 20));
        assertTrue(big <= NfsEnv.TRANSFER && big > 8192, "maxcount capped at rtmax: " + big);
    }

    @Test
    void tooSmallAndBadCookies() throws IOException {
        byte[] dir = env.scratch();
        env.file(dir, "f", 0644);
        expect(TOOSMALL, await(c.readdirplus(dir, 0, 0, 4096, 100)).status(), "maxcount below the fixed part");
        expect(TOOSMALL, await(c.readdirplus(dir, 0, 0, 4096, 200)).status(), "no room for an entry and its attributes");
        expect(TOOSMALL, await(c.readdirplus(dir, 0, 0, 10, 8192)).status(), "dircount below one entry");
        ReaddirPlusResult r = await(c.readdirplus(dir, 0, 0, 4096, 8192));
        long cookie = r.entries().get(1).cookie();
        ReaddirPlusResult bad = await(c.readdirplus(dir, cookie, r.verifier() + 1, 4096, 8192));
        expect(BAD_COOKIE, bad.status());
        assertEquals(env.getattr(dir), bad.directory());
        expect(BAD_COOKIE, await(c.readdirplus(dir, 1L << 40, r.verifier(), 4096, 8192)).status());
        ReaddirPlusResult rest = await(c.readdirplus(dir, cookie, r.verifier(), 4096, 8192));
        expect(OK, rest.status());
        assertEquals(List.of("f"), rest.entries().stream().map(DirEntryPlus::name).toList());
    }

    @Test
    void notADirectoryAndPermission() throws IOException {
        byte[] top = env.scratch();
        byte[] f = env.file(top, "f", 0644);
        ReaddirPlusResult r = await(c.readdirplus(f, 0, 0, 4096, 8192));
        expect(NOTDIR, r.status());
        assertEquals(env.getattr(f), r.directory());
        byte[] dir = env.mkdir(top, "d", 0711);
        expect(ACCES, await(env.as(1000, 100).readdirplus(dir, 0, 0, 4096, 8192)).status(), "no read permission");
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> await(c.readdirplus(h, 0, 0, 4096, 8192)).status());
    }
}
