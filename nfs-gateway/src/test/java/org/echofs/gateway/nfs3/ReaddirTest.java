package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.gateway.handle.FileHandle;
import org.echofs.gateway.xdr.XdrDecoder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * READDIR (RFC 1813 3.3.16) and READDIRPLUS (3.3.17): cookies, verifiers, eof and exact size
 * accounting. The directory holds ".", "..", "aaaa", "bbbbb", "c".
 *
 * <pre>
 * READDIR fixed part: status 4 + post_op_attr 88 + cookieverf 8 + list end 4 + eof 4 = 108
 *   entry: follows 4 + fileid 8 + name 4+pad + cookie 8 = 24 + pad  (28, 28, 28, 32, 28)
 * READDIRPLUS entry: 24 + pad + post_op_attr 88 + post_op_fh3 (4 + 4 + 36) 44 = 156 + pad
 *   (160, 160, 160, 164, 160); dircount part: 20 + pad (24, 24, 24, 28, 24)
 * </pre>
 */
class ReaddirTest {

    static final int FIXED = 108;
    static final int[] PLAIN = {28, 28, 28, 32, 28};
    static final int[] PLUS = {160, 160, 160, 164, 160};
    static final int[] DIRPART = {24, 24, 24, 28, 24};
    static final List<String> NAMES = List.of(".", "..", "aaaa", "bbbbb", "c");

    private final Nfs3Fixture f = new Nfs3Fixture();
    private final long dir = f.volume.mkdirs("/export/list");

    ReaddirTest() {
        f.volume.file(dir, "aaaa", "1", 0644, 0, 0);
        f.volume.file(dir, "bbbbb", "22", 0644, 0, 0);
        f.volume.mkdirs("/export/list/c");
    }

    record Entry(long fileId, String name, long cookie, Replies.Fattr attrs, byte[] fh) { }

    record Listing(Replies.Fattr dir, long verifier, List<Entry> entries, boolean eof) {
        List<String> names() {
            return entries.stream().map(Entry::name).toList();
        }
    }

    static Listing parse(XdrDecoder r, boolean plus) throws Exception {
        assertEquals(0, r.readInt());
        Replies.Fattr dir = Replies.postOpAttr(r);
        long verifier = r.readLong();
        List<Entry> entries = new ArrayList<>();
        while (r.readBoolean()) {
            long fileId = r.readLong();
            String name = r.readString(255);
            long cookie = r.readLong();
            Replies.Fattr a = plus ? Replies.postOpAttr(r) : null;
            byte[] fh = plus ? Replies.postOpFh(r) : null;
            entries.add(new Entry(fileId, name, cookie, a, fh));
        }
        boolean eof = r.readBoolean();
        assertEquals(0, r.remaining());
        return new Listing(dir, verifier, entries, eof);
    }

    private FakeCall readdir(long d, long cookie, long verifier, long count) {
        return f.call(Nfs3Proc.READDIR, e -> {
            e.writeOpaque(f.fh(d));
            e.writeLong(cookie);
            e.writeLong(verifier);
            e.writeInt((int) count);
        });
    }

    private FakeCall readdirplus(long d, long cookie, long verifier, long dircount, long maxcount) {
        return f.call(Nfs3Proc.READDIRPLUS, e -> {
            e.writeOpaque(f.fh(d));
            e.writeLong(cookie);
            e.writeLong(verifier);
            e.writeInt((int) dircount);
            e.writeInt((int) maxcount);
        });
    }

    private static void tooSmall(FakeCall c, long dir) throws Exception {
        XdrDecoder r = c.reply();
        assertEquals(NfsStat3.NFS3ERR_TOOSMALL.code(), r.readInt());
        assertEquals(dir, Replies.postOpAttr(r).fileId());
        assertEquals(0, r.remaining());
    }

    private static int sum(int[] sizes, int k) {
        int s = 0;
        for (int i = 0; i < k; i++) s += sizes[i];
        return s;
    }

    @Test
    void readdirExactFit() throws Exception {
        FakeCall c = readdir(dir, 0, 0, 252);
        Listing l = parse(c.reply(), false);
        assertEquals(NAMES, l.names());
        assertTrue(l.eof());
        assertEquals(252, c.body().length, "the reply is exactly count bytes");
        assertEquals(dir, l.dir().fileId());
        assertEquals(dir, l.entries().get(0).fileId());
        assertEquals(f.root(), l.entries().get(1).fileId());
        assertEquals(f.volume.lookup(TestVolume.ROOT, dir, "bbbbb").fileId(), l.entries().get(3).fileId());
    }

    @Test
    void readdirOneByteShortDropsTheLastEntryAndEof() throws Exception {
        FakeCall c = readdir(dir, 0, 0, 251);
        Listing l = parse(c.reply(), false);
        assertEquals(NAMES.subList(0, 4), l.names());
        assertFalse(l.eof());
        assertEquals(224, c.body().length);
    }

    @Test
    void readdirTooSmall() throws Exception {
        tooSmall(readdir(dir, 0, 0, FIXED + 27), dir);
        tooSmall(readdir(dir, 0, 0, FIXED), dir);
        tooSmall(readdir(dir, 0, 0, 0), dir);
        assertEquals(List.of("."), parse(readdir(dir, 0, 0, FIXED + 28).reply(), false).names());
    }

    @Test
    void readdirEveryCountBoundary() throws Exception {
        for (int count = 0; count <= 300; count++) {
            FakeCall c = readdir(dir, 0, 0, count);
            int k = 0;
            while (k < PLAIN.length && FIXED + sum(PLAIN, k + 1) <= count) k++;
            if (k == 0) {
                tooSmall(c, dir);
                continue;
            }
            Listing l = parse(c.reply(), false);
            assertEquals(NAMES.subList(0, k), l.names(), "count " + count);
            assertEquals(FIXED + sum(PLAIN, k), c.body().length, "count " + count);
            assertEquals(k == NAMES.size(), l.eof(), "count " + count);
        }
    }

    @Test
    void readdirPagesWithCookiesAndVerifier() throws Exception {
        List<String> seen = new ArrayList<>();
        long cookie = 0;
        long verifier = 0;
        boolean eof = false;
        int pages = 0;
        while (!eof) {
            Listing l = parse(readdir(dir, cookie, verifier, FIXED + 32).reply(), false);
            assertEquals(1, l.entries().size());
            seen.addAll(l.names());
            cookie = l.entries().get(l.entries().size() - 1).cookie();
            verifier = l.verifier();
            eof = l.eof();
            pages++;
        }
        assertEquals(NAMES, seen);
        assertEquals(5, pages, "eof comes with the last entry, not on an extra empty page");
        Listing end = parse(readdir(dir, cookie, verifier, FIXED).reply(), false);
        assertTrue(end.entries().isEmpty());
        assertTrue(end.eof(), "resuming at the end: no entries, eof, and the fixed part fits exactly");
    }

    @Test
    void readdirWithAStaleVerifierIsBadCookie() throws Exception {
        Listing first = parse(readdir(dir, 0, 0, FIXED + 28).reply(), false);
        XdrDecoder r = readdir(dir, first.entries().get(0).cookie(), first.verifier() + 1, 4096).reply();
        assertEquals(NfsStat3.NFS3ERR_BAD_COOKIE.code(), r.readInt());
        assertEquals(dir, Replies.postOpAttr(r).fileId());
    }

    @Test
    void readdirOfAFileIsNotdir() throws Exception {
        long file = f.volume.lookup(TestVolume.ROOT, dir, "aaaa").fileId();
        XdrDecoder r = readdir(file, 0, 0, 4096).reply();
        assertEquals(NfsStat3.NFS3ERR_NOTDIR.code(), r.readInt());
        assertEquals(file, Replies.postOpAttr(r).fileId());
    }

    @Test
    void dotDotOfTheExportRootIsTheRoot() throws Exception {
        Listing l = parse(readdir(f.root(), 0, 0, 4096).reply(), false);
        assertEquals("..", l.entries().get(1).name());
        assertEquals(f.root(), l.entries().get(1).fileId());
        Listing plus = parse(readdirplus(f.root(), 0, 0, 4096, 8192).reply(), true);
        Entry dotdot = plus.entries().get(1);
        assertEquals(f.root(), dotdot.fileId());
        assertEquals(f.root(), dotdot.attrs().fileId());
        assertEquals(f.root(), f.codec.decode(dotdot.fh()).objectId());
    }

    @Test
    void countIsCappedAtRtmax() throws Exception {
        Nfs3Fixture g = new Nfs3Fixture(new Nfs3Config(4096, 4096, 4096));
        long big = g.volume.mkdirs("/export/big");
        for (int i = 0; i < 300; i++) g.volume.file(big, "file-" + i, "", 0644, 0, 0);
        FakeCall c = g.call(Nfs3Proc.READDIR, e -> {
            e.writeOpaque(g.fh(big));
            e.writeLong(0);
            e.writeLong(0);
            e.writeInt(1 << 30);
        });
        Listing l = parse(c.reply(), false);
        assertTrue(c.body().length <= 4096);
        assertTrue(c.body().length > 4096 - 36, "filled up to the cap");
        assertFalse(l.eof());
    }

    @Test
    void readdirplusExactFitWithAttributesAndHandles() throws Exception {
        FakeCall c = readdirplus(dir, 0, 0, 124, 912);
        Listing l = parse(c.reply(), true);
        assertEquals(NAMES, l.names());
        assertTrue(l.eof());
        assertEquals(912, c.body().length);
        for (Entry e : l.entries()) {
            Attributes real = f.volume.getattr(e.fileId());
            AttrProceduresTest.assertFattr(real, e.attrs());
            assertEquals(new FileHandle(1, e.fileId(), real.generation()), f.codec.decode(e.fh()));
        }
    }

    @Test
    void readdirplusMaxcountAndDircountBoundaries() throws Exception {
        assertEquals(NAMES.subList(0, 4), parse(readdirplus(dir, 0, 0, 124, 911).reply(), true).names());
        assertEquals(NAMES.subList(0, 4), parse(readdirplus(dir, 0, 0, 123, 912).reply(), true).names());
        assertEquals(NAMES.subList(0, 1), parse(readdirplus(dir, 0, 0, 24, 1 << 20).reply(), true).names());
        tooSmall(readdirplus(dir, 0, 0, 23, 1 << 20), dir);
        tooSmall(readdirplus(dir, 0, 0, 1 << 20, FIXED + 159), dir);
        tooSmall(readdirplus(dir, 0, 0, 1 << 20, 50), dir);
    }

    @Test
    void readdirplusEveryBoundary() throws Exception {
        for (int dircount = 0; dircount <= 130; dircount += 1) {
            for (int maxcount : new int[] {0, 107, 108, 267, 268, 427, 428, 587, 588, 751, 752, 911, 912, 5000}) {
                FakeCall c = readdirplus(dir, 0, 0, dircount, maxcount);
                int k = 0;
                while (k < PLUS.length && FIXED + sum(PLUS, k + 1) <= maxcount && sum(DIRPART, k + 1) <= dircount) k++;
                if (k == 0) {
                    tooSmall(c, dir);
                    continue;
                }
                Listing l = parse(c.reply(), true);
                String at = "dircount " + dircount + " maxcount " + maxcount;
                assertEquals(NAMES.subList(0, k), l.names(), at);
                assertEquals(FIXED + sum(PLUS, k), c.body().length, at);
                assertEquals(k == NAMES.size(), l.eof(), at);
            }
        }
    }

    @Test
    void readdirplusPagesToTheEnd() throws Exception {
        List<String> seen = new ArrayList<>();
        long cookie = 0;
        long verifier = 0;
        while (true) {
            Listing l = parse(readdirplus(dir, cookie, verifier, 48, 4096).reply(), true);
            seen.addAll(l.names());
            if (l.eof()) break;
            cookie = l.entries().get(l.entries().size() - 1).cookie();
            verifier = l.verifier();
        }
        assertEquals(NAMES, seen);
    }

    @Test
    void readdirplusOnARemovedDirectoryIsStale() throws Exception {
        long gone = f.volume.mkdirs("/export/gone");
        byte[] fh = f.fh(gone);
        f.volume.rmdir(TestVolume.ROOT, f.root(), "gone").join();
        XdrDecoder r = f.call(Nfs3Proc.READDIRPLUS, e -> {
            e.writeOpaque(fh);
            e.writeLong(0);
            e.writeLong(0);
            e.writeInt(4096);
            e.writeInt(4096);
        }).reply();
        assertEquals(NfsStat3.NFS3ERR_STALE.code(), r.readInt());
        assertNull(Replies.postOpAttr(r));
        assertNotNull(fh);
    }
}
