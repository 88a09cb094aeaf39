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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * READDIR (RFC 1813 section 3.3.16): entries with cookies, the cookie verifier, eof; paging;
 * cookies that survive changes; the reply within {@code count}. Errors: BAD_COOKIE, TOOSMALL,
 * NOTDIR, ACCES, STALE, BADHANDLE (and the export checks).
 */
@ExtendWith(SharedGateways.class)
class ReaddirTest {

    static final int READDIR = 16;

    private final NfsEnv env;
    private final Nfs3Client c;

    ReaddirTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    /** Makes {@code n} files named {@code prefix0..} in {@code dir}, pipelined. */
    static void fill(NfsEnv env, byte[] dir, String prefix, int n) throws IOException {
        List<CompletableFuture<CreateResult>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(env.client().create(dir, prefix + i, Nfs3Client.GUARDED, Sattr.mode(0644)));
            if (fs.size() == 200 || i == n - 1) {
                for (CompletableFuture<CreateResult> f : fs) expect(OK, await(f).status());
                fs.clear();
            }
        }
    }

    /** Reads a whole directory in pages of {@code count} bytes; returns the names in order. */
    private List<String> readAll(byte[] dir, int count) throws IOException {
        List<String> names = new ArrayList<>();
        long cookie = 0, verifier = 0;
        for (int pages = 0; ; pages++) {
            assertTrue(pages < 100_000, "no end");
            ReaddirResult r = await(c.readdir(dir, cookie, verifier, count));
            expect(OK, r.status());
            for (DirEntry e : r.entries()) names.add(e.name());
            if (r.eof()) return names;
            assertFalse(r.entries().isEmpty(), "a page that is not the last has entries");
            cookie = r.entries().get(r.entries().size() - 1).cookie();
            verifier = r.verifier();
        }
    }

    @Test
    void listsDotDotDotAndEntries() throws IOException {
        byte[] parent = env.scratch();
        byte[] dir = env.mkdir(parent, "d", 0755);
        byte[] f = env.file(dir, "file", 0644);
        byte[] sub = env.mkdir(dir, "sub", 0755);
        byte[] l = env.symlink(dir, "link", "x");
        ReaddirResult r = await(c.readdir(dir, 0, 0, 4096));
        expect(OK, r.status());
        assertTrue(r.eof());
        assertNotEquals(0, r.verifier(), "a cookie verifier");
        assertEquals(env.getattr(dir), r.directory(), "the directory's post-op attributes");
        List<DirEntry> e = r.entries();
        assertEquals(List.of(".", "..", "file", "sub", "link"), e.stream().map(DirEntry::name).toList(),
                "'.' and '..' first, then entries in the order they were made");
        assertEquals(env.getattr(dir).fileId(), e.get(0).fileId());
        assertEquals(env.getattr(parent).fileId(), e.get(1).fileId());
        assertEquals(env.getattr(f).fileId(), e.get(2).fileId());
        assertEquals(env.getattr(sub).fileId(), e.get(3).fileId());
        assertEquals(env.getattr(l).fileId(), e.get(4).fileId());
        Set<Long> cookies = new HashSet<>();
        for (DirEntry x : e) assertTrue(x.cookie() != 0 && cookies.add(x.cookie()), "distinct non-zero cookies");
        ReaddirResult after = await(c.readdir(dir, e.get(2).cookie(), r.verifier(), 4096));
        expect(OK, after.status());
        assertEquals(List.of("sub", "link"), after.entries().stream().map(DirEntry::name).toList(),
                "a cookie resumes after its entry");
        assertEquals(r.verifier(), after.verifier());
        ReaddirResult afterDot = await(c.readdir(dir, e.get(0).cookie(), r.verifier(), 4096));
        assertEquals(List.of("..", "file", "sub", "link"), afterDot.entries().stream().map(DirEntry::name).toList(),
                "the cookie of '.'");
        ReaddirResult afterDotDot = await(c.readdir(dir, e.get(1).cookie(), r.verifier(), 4096));
        assertEquals(List.of("file", "sub", "link"), afterDotDot.entries().stream().map(DirEntry::name).toList(),
                "the cookie of '..'");
        ReaddirResult end = await(c.readdir(dir, e.get(4).cookie(), r.verifier(), 4096));
        expect(OK, end.status());
        assertTrue(end.entries().isEmpty());
        assertTrue(end.eof(), "the last cookie: nothing more, eof");
    }

    @Test
    void dotDotOfAnExportRootIsTheRoot() throws IOException {
        for (int id : new int[] {NfsEnv.OTHER, NfsEnv.RO}) {
            byte[] root = env.root(id);
            ReaddirResult r = await(c.readdir(root, 0, 0, 1024));
            expect(OK, r.status());
            long rootId = env.getattr(root).fileId();
            assertEquals("..", r.entries().get(1).name());
            assertEquals(rootId, r.entries().get(1).fileId(), "clients never see above export " + id);
        }
    }

    @Test
    void aThousandEntriesInSmallPagesEachExactlyOnce() throws IOException {
        byte[] dir = env.scratch();
        fill(env, dir, "entry-", 1000);
        List<String> names = readAll(dir, 512);
        assertEquals(1002, names.size(), "1000 entries and '.' and '..', no repeats");
        Set<String> expected = new HashSet<>(Set.of(".", ".."));
        for (int i = 0; i < 1000; i++) expected.add("entry-" + i);
        assertEquals(expected, new HashSet<>(names));
        assertEquals(names, readAll(dir, 64 * 1024), "the same listing in one big page");
    }

    @Test
    void cookiesSurviveChangesBetweenPages() throws IOException {
        byte[] dir = env.scratch();
        fill(env, dir, "a", 200);
        Map<String, Integer> seen = new HashMap<>();
        Set<String> removedUnseen = new HashSet<>();
        long cookie = 0, verifier = 0;
        int page = 0, added = 0;
        while (true) {
            ReaddirResult r = await(c.readdir(dir, cookie, verifier, 600));
            expect(OK, r.status(), "page " + page + " with cookie " + cookie);
            for (DirEntry e : r.entries()) seen.merge(e.name(), 1, Integer::sum);
            if (r.eof()) break;
            cookie = r.entries().get(r.entries().size() - 1).cookie();
            verifier = r.verifier();
            // between pages: remove the entry the cookie points at, one seen and one unseen entry, add two
            String last = r.entries().get(r.entries().size() - 1).name();
            if (last.startsWith("a") || last.startsWith("b")) expect(OK, await(c.remove(dir, last)).status());
            int unseen = 199 - page;
            if (unseen > 0 && !seen.containsKey("a" + unseen)
                    && await(c.remove(dir, "a" + unseen)).status() == OK) {
                removedUnseen.add("a" + unseen);
            }
            expect(OK, await(c.create(dir, "b" + added++, Nfs3Client.GUARDED, Sattr.NONE)).status());
            expect(OK, await(c.create(dir, "b" + added++, Nfs3Client.GUARDED, Sattr.NONE)).status());
            page++;
        }
        assertTrue(page > 5, "several pages");
        for (Map.Entry<String, Integer> e : seen.entrySet()) {
            assertEquals(1, e.getValue(), "'" + e.getKey() + "' listed once");
        }
        for (int i = 0; i < 200; i++) {
            String n = "a" + i;
            if (!removedUnseen.contains(n)) assertTrue(seen.containsKey(n), n + " existed throughout");
        }
        for (String n : removedUnseen) assertFalse(seen.containsKey(n), n + " was removed before its turn");
        for (int i = 0; i < added; i++) {
            assertTrue(seen.containsKey("b" + i), "b" + i + " was added later and comes after every old cookie");
        }
    }

    @Test
    void badCookies() throws IOException {
        byte[] dir = env.scratch();
        fill(env, dir, "f", 5);
        ReaddirResult first = await(c.readdir(dir, 0, 0, 4096));
        long cookie = first.entries().get(3).cookie();
        ReaddirResult wrong = await(c.readdir(dir, cookie, first.verifier() ^ 0x5a5a, 4096));
        expect(BAD_COOKIE, wrong.status(), "a cookie with another directory's verifier");
        assertEquals(env.getattr(dir), wrong.directory(), "the failure arm has the directory's attributes");
        byte[] other = env.scratch();
        long otherVerifier = await(c.readdir(other, 0, 0, 4096)).verifier();
        assertNotEquals(first.verifier(), otherVerifier, "directories have their own verifiers");
        expect(BAD_COOKIE, await(c.readdir(dir, cookie, otherVerifier, 4096)).status());
        expect(BAD_COOKIE, await(c.readdir(dir, 1L << 40, first.verifier(), 4096)).status(),
                "a cookie this directory never gave out");
        expect(OK, await(c.readdir(dir, 0, 0x1234, 4096)).status(), "cookie 0: any verifier starts over");
        ReaddirResult zero = await(c.readdir(dir, cookie, 0, 4096));
        expect(OK, zero.status(), "verifier 0 with a cookie: the client does not keep verifiers");
        assertEquals(first.entries().subList(4, first.entries().size()), zero.entries());
    }

    @Test
    void tooSmall() throws IOException {
        byte[] dir = env.scratch();
        ReaddirResult tiny = await(c.readdir(dir, 0, 0, 40));
        expect(TOOSMALL, tiny.status(), "not even the reply's fixed part fits");
        expect(TOOSMALL, await(c.readdir(dir, 0, 0, 120)).status(), "the fixed part fits, the first entry does not");
        ReaddirResult one = await(c.readdir(dir, 0, 0, 136));
        expect(OK, one.status(), "exactly one entry fits");
        assertEquals(List.of("."), one.entries().stream().map(DirEntry::name).toList());
        assertFalse(one.eof());
        long last = await(c.readdir(dir, 0, 0, 4096)).entries().get(1).cookie();
        ReaddirResult empty = await(c.readdir(dir, last, 0, 108));
        expect(OK, empty.status(), "an empty last page needs only the fixed part");
        assertTrue(empty.entries().isEmpty());
        assertTrue(empty.eof());
    }

    @Test
    void replyStaysWithinCount() throws IOException {
        byte[] dir = env.scratch();
        fill(env, dir, "name-of-some-length-", 300);
        for (int count : new int[] {136, 137, 200, 333, 512, 1000, 4096, 8191}) {
            long cookie = 0, verifier = 0;
            int pages = 0;
            while (true) {
                int size = ReplySize.of(c, READDIR, ReplySize.readdir(dir, cookie, verifier, count));
                assertTrue(size <= count, "reply of " + size + " bytes for count " + count);
                ReaddirResult r = await(c.readdir(dir, cookie, verifier, count));
                if (r.status() == TOOSMALL) {
                    assertTrue(count < 156, "only a count below one long entry is too small: " + count);
                    break;
                }
                expect(OK, r.status());
                if (r.eof() || pages++ > 3) break;
                cookie = r.entries().get(r.entries().size() - 1).cookie();
                verifier = r.verifier();
            }
        }
        int big = ReplySize.of(c, READDIR, ReplySize.readdir(dir, 0, 0, 1 << 20));
        assertTrue(big <= NfsEnv.TRANSFER, "count over rtmax is capped at rtmax: " + big);
        assertTrue(big > 8192, "but a big count gets a big page: " + big);
    }

    @Test
    void notADirectory() throws IOException {
        byte[] f = env.file(env.scratch(), "f", 0644);
        ReaddirResult r = await(c.readdir(f, 0, 0, 4096));
        expect(NOTDIR, r.status());
        assertEquals(env.getattr(f), r.directory());
    }

    @Test
    void readPermission() throws IOException {
        byte[] dir = env.mkdir(env.scratch(), "d", 0711);
        expect(ACCES, await(env.as(1000, 100).readdir(dir, 0, 0, 4096)).status(), "search but no read");
        expect(ACCES, await(env.anonymous().readdir(dir, 0, 0, 4096)).status());
        env.chmod(dir, 0755);
        expect(OK, await(env.as(1000, 100).readdir(dir, 0, 0, 4096)).status());
        byte[] ro = env.scratchUnderRo();
        expect(OK, await(c.readdir(env.via(NfsEnv.RO, ro), 0, 0, 4096)).status(), "a read-only export lists");
    }

    @Test
    void handleErrors() throws IOException {
        byte[] dir = env.scratch();
        HandleChecks.check(env, dir, env.staleDir(), h -> await(c.readdir(h, 0, 0, 4096)).status());
    }
}
