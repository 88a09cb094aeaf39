package org.echofs.storage;

import static org.echofs.storage.Vol.ALICE;
import static org.echofs.storage.Vol.CAROL;
import static org.echofs.storage.Vol.ROOT;
import static org.echofs.storage.Vol.assertErr;
import static org.echofs.storage.Vol.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.echofs.core.fs.DirEntry;
import org.echofs.core.fs.DirListing;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** READDIR and READDIRPLUS cookies (RFC 1813 sections 3.3.16, 3.3.17). */
class ReaddirTest {

    @TempDir Path tmp;
    Vol v;
    long root;

    @BeforeEach void open() throws Exception {
        v = new Vol(tmp.resolve("vol"));
        root = v.root();
    }

    @AfterEach void close() {
        v.close();
    }

    @Test void listsDotsThenEntriesInCreationOrder() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        v.file(d, "b");
        v.file(d, "a");
        DirListing l = v.e.readdir(ROOT, d, 0, 0, 100, false);
        assertTrue(l.eof());
        assertEquals(List.of(".", "..", "b", "a"), l.entries().stream().map(DirEntry::name).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), l.entries().stream().map(DirEntry::cookie).toList());
        assertEquals(d, l.entries().get(0).fileId());
        assertEquals(root, l.entries().get(1).fileId());
        assertNull(l.entries().get(2).attributes());
        assertNotEquals(0, l.verifier());
        assertEquals(d, l.directory().fileId());
    }

    @Test void plusCarriesAttributesIncludingUnstableSizes() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        long f = v.file(d, "f").fileId();
        v.write(ROOT, f, 0, "12345", Stability.UNSTABLE);
        DirListing l = v.e.readdir(ROOT, d, 0, 0, 100, true);
        assertNotNull(l.entries().get(0).attributes());
        assertEquals(root, l.entries().get(1).attributes().fileId());
        assertEquals(5, l.entries().get(2).attributes().size());
    }

    @Test void pagesAreSmallAndEofIsExact() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        for (int i = 0; i < 3; i++) v.file(d, "f" + i);
        DirListing p1 = v.e.readdir(ROOT, d, 0, 0, 2, false);
        assertEquals(2, p1.entries().size());
        assertFalse(p1.eof());
        DirListing p2 = v.e.readdir(ROOT, d, 2, p1.verifier(), 3, false);
        assertEquals(3, p2.entries().size());
        assertTrue(p2.eof());
        DirListing p3 = v.e.readdir(ROOT, d, 1, p1.verifier(), 1, false);
        assertEquals("..", p3.entries().get(0).name());
        assertFalse(p3.eof());
    }

    @Test void cookiesSurviveChangesWithoutSkipsOrDuplicates() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        int n = 200;
        for (int i = 0; i < n; i++) v.file(d, "f" + i);
        List<String> seen = new ArrayList<>();
        DirListing page = v.e.readdir(ROOT, d, 0, 0, 2 + n / 2, false);
        page.entries().forEach(e -> seen.add(e.name()));
        long cookie = page.entries().get(page.entries().size() - 1).cookie();
        // change the directory between pages: remove from both halves, add new ones, rename one
        for (int i = 0; i < n; i += 10) get(v.e.remove(ROOT, d, "f" + i));
        for (int i = 0; i < 20; i++) v.file(d, "new" + i);
        get(v.e.rename(ROOT, d, "f151", d, "renamed"));
        while (true) {
            page = v.e.readdir(ROOT, d, cookie, page.verifier(), 17, false);
            page.entries().forEach(e -> seen.add(e.name()));
            if (page.eof()) break;
            cookie = page.entries().get(page.entries().size() - 1).cookie();
        }
        Set<String> unique = new HashSet<>(seen);
        assertEquals(unique.size(), seen.size(), "no duplicates");
        for (int i = 0; i < n; i++) {
            if (i % 10 != 0 && i != 151) assertTrue(unique.contains("f" + i), "f" + i + " existed throughout");
        }
        for (int i = 0; i < 20; i++) assertTrue(unique.contains("new" + i), "entries added later appear");
        assertTrue(unique.contains("renamed"));
    }

    @Test void cookiesStayValidAcrossRestart() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        for (int i = 0; i < 10; i++) v.file(d, "f" + i);
        DirListing first = v.e.readdir(ROOT, d, 0, 0, 6, false);
        v.reopen();
        DirListing rest = v.e.readdir(ROOT, d, first.entries().get(5).cookie(), first.verifier(), 100, false);
        assertEquals("f4", rest.entries().get(0).name());
        assertEquals(6, rest.entries().size());
        assertTrue(rest.eof());
    }

    @Test void badVerifiersAndCookies() throws Exception {
        long d = v.mkdir(root, "d").fileId();
        v.file(d, "a");
        DirListing l = v.e.readdir(ROOT, d, 0, 0, 100, false);
        assertErr(FsError.BAD_COOKIE, () -> v.e.readdir(ROOT, d, 3, l.verifier() + 1, 10, false));
        assertErr(FsError.BAD_COOKIE, () -> v.e.readdir(ROOT, d, 99, l.verifier(), 10, false));
        assertEquals(0, v.e.readdir(ROOT, d, 3, 0, 10, false).entries().size()); // verifier 0 is accepted
        assertErr(FsError.NOTDIR, () -> v.e.readdir(ROOT, v.lookup(d, "a"), 0, 0, 10, false));
        long closed = get(v.e.mkdir(ALICE, root, "closed", SetAttributes.NONE.withMode(0300))).object().fileId();
        assertErr(FsError.ACCES, () -> v.e.readdir(CAROL, closed, 0, 0, 10, false));
    }

    @Test void aLargeDirectoryListsCompletely() throws Exception {
        long d = v.mkdir(root, "big").fileId();
        int n = 2000;
        for (int i = 0; i < n; i++) v.file(d, "entry-" + i);
        int count = 0;
        long cookie = 0, ver = 0;
        while (true) {
            DirListing l = v.e.readdir(ROOT, d, cookie, ver, 500, true);
            count += l.entries().size();
            ver = l.verifier();
            if (l.eof()) break;
            cookie = l.entries().get(l.entries().size() - 1).cookie();
        }
        assertEquals(n + 2, count);
    }
}
