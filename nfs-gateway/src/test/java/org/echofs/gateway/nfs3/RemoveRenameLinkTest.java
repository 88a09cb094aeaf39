package org.echofs.gateway.nfs3;

import org.echofs.core.fs.FsException;
import org.echofs.gateway.xdr.XdrDecoder;
import org.junit.jupiter.api.Test;

import static org.echofs.gateway.nfs3.Nfs3Fixture.dirop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** REMOVE (RFC 1813 3.3.12), RMDIR (3.3.13), RENAME (3.3.14), LINK (3.3.15). */
class RemoveRenameLinkTest {

    private final Nfs3Fixture f = new Nfs3Fixture();
    private final long a = f.volume.mkdirs("/export/a");
    private final long b = f.volume.mkdirs("/export/b");
    private final long file = f.volume.file(a, "file", "data", 0644, 0, 0);

    private Replies.WccData wcc(XdrDecoder r, long dir) throws Exception {
        Replies.WccData w = Replies.wcc(r);
        assertEquals(dir, w.after().fileId());
        return w;
    }

    private FakeCall unlink(Nfs3Proc p, long dir, String name) {
        return f.call(p, e -> dirop(e, f.fh(dir), name));
    }

    @Test
    void removeAFile() throws Exception {
        XdrDecoder r = unlink(Nfs3Proc.REMOVE, a, "file").reply();
        assertEquals(0, r.readInt());
        Replies.WccData w = wcc(r, a);
        assertNotNull(w.before());
        assertEquals(0, r.remaining());
        assertThrows(FsException.class, () -> f.volume.getattr(file));
    }

    @Test
    void removeRefusals() throws Exception {
        for (Object[] c : new Object[][] {
                {Nfs3Proc.REMOVE, a, "missing", NfsStat3.NFS3ERR_NOENT},
                {Nfs3Proc.REMOVE, f.root(), "a", NfsStat3.NFS3ERR_ISDIR},
                {Nfs3Proc.RMDIR, f.root(), "a", NfsStat3.NFS3ERR_NOTEMPTY},
                {Nfs3Proc.RMDIR, a, "file", NfsStat3.NFS3ERR_NOTDIR},
                {Nfs3Proc.RMDIR, a, ".", NfsStat3.NFS3ERR_INVAL},
                {Nfs3Proc.REMOVE, file, "x", NfsStat3.NFS3ERR_NOTDIR}}) {
            long dir = (Long) c[1];
            XdrDecoder r = unlink((Nfs3Proc) c[0], dir, (String) c[2]).reply();
            assertEquals(((NfsStat3) c[3]).code(), r.readInt(), c[0] + " " + c[2]);
            Replies.WccData w = wcc(r, dir);
            assertNull(w.before());
            assertEquals(0, r.remaining());
        }
    }

    @Test
    void rmdirAnEmptyDirectory() throws Exception {
        XdrDecoder r = unlink(Nfs3Proc.RMDIR, f.root(), "b").reply();
        assertEquals(0, r.readInt());
        wcc(r, f.root());
        assertThrows(FsException.class, () -> f.volume.getattr(b));
    }

    private FakeCall rename(long from, String fromName, long to, String toName) {
        return f.call(Nfs3Proc.RENAME, e -> {
            dirop(e, f.fh(from), fromName);
            dirop(e, f.fh(to), toName);
        });
    }

    @Test
    void renameAnswersBothDirectories() throws Exception {
        XdrDecoder r = rename(a, "file", b, "moved").reply();
        assertEquals(0, r.readInt());
        Replies.WccData from = wcc(r, a);
        Replies.WccData to = wcc(r, b);
        assertNotNull(from.before());
        assertNotNull(to.before());
        assertEquals(0, r.remaining());
        assertEquals(file, f.volume.lookup(TestVolume.ROOT, b, "moved").fileId());
    }

    @Test
    void renameRefusals() throws Exception {
        f.volume.file(b, "inner", "", 0644, 0, 0);
        for (Object[] c : new Object[][] {
                {a, "missing", b, "x", NfsStat3.NFS3ERR_NOENT},
                {f.root(), "a", b, "x", NfsStat3.NFS3ERR_NOTEMPTY, "placeholder"},
                {f.root(), "a", a, "sub", NfsStat3.NFS3ERR_INVAL},
                {a, "file", f.root(), "b", NfsStat3.NFS3ERR_ISDIR}}) {
            long from = (Long) c[0];
            long to = (Long) c[2];
            if (c.length == 6) {
                // make b/x a non-empty directory target for the directory a
                long x = f.volume.mkdirs("/export/b/x");
                f.volume.file(x, "y", "", 0644, 0, 0);
            }
            XdrDecoder r = rename(from, (String) c[1], to, (String) c[3]).reply();
            assertEquals(((NfsStat3) c[4]).code(), r.readInt(), c[1] + " -> " + c[3]);
            assertNull(wcc(r, from).before());
            assertNull(wcc(r, to).before());
            assertEquals(0, r.remaining());
        }
    }

    private FakeCall link(long file, long dir, String name) {
        return f.call(Nfs3Proc.LINK, e -> {
            e.writeOpaque(f.fh(file));
            dirop(e, f.fh(dir), name);
        });
    }

    @Test
    void linkAnswersFileAttributesAndDirectoryWcc() throws Exception {
        XdrDecoder r = link(file, b, "hard").reply();
        assertEquals(0, r.readInt());
        Replies.Fattr attrs = Replies.postOpAttr(r);
        assertEquals(file, attrs.fileId());
        assertEquals(2, attrs.nlink());
        Replies.WccData w = wcc(r, b);
        assertNotNull(w.before());
        assertEquals(0, r.remaining());
    }

    @Test
    void linkRefusals() throws Exception {
        XdrDecoder exists = link(file, a, "file").reply();
        assertEquals(NfsStat3.NFS3ERR_EXIST.code(), exists.readInt());
        assertEquals(file, Replies.postOpAttr(exists).fileId());
        assertNull(wcc(exists, a).before());
        assertEquals(0, exists.remaining());
        XdrDecoder dir = link(a, b, "dirlink").reply();
        assertEquals(NfsStat3.NFS3ERR_ISDIR.code(), dir.readInt());
    }
}
