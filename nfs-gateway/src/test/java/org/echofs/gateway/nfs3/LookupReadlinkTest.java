package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.SetAttributes;
import org.echofs.gateway.handle.FileHandle;
import org.echofs.gateway.xdr.XdrDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.echofs.gateway.nfs3.Nfs3Fixture.dirop;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** LOOKUP (RFC 1813 3.3.3) and READLINK (3.3.5). */
class LookupReadlinkTest {

    private final Nfs3Fixture f = new Nfs3Fixture();
    private final long sub = f.volume.mkdirs("/export/sub");
    private final long file = f.volume.file(sub, "file", "x", 0644, 0, 0);

    private XdrDecoder lookup(long dir, byte[] name) {
        return f.call(Nfs3Proc.LOOKUP, e -> {
            e.writeOpaque(f.fh(dir));
            e.writeOpaque(name);
        }).reply();
    }

    private XdrDecoder lookup(long dir, String name) {
        return lookup(dir, name.getBytes(StandardCharsets.UTF_8));
    }

    /** Checks a successful reply and returns the object's handle. */
    private FileHandle found(XdrDecoder r, long expectedId, long dir) throws Exception {
        assertEquals(0, r.readInt());
        FileHandle h = f.codec.decode(r.readOpaque(64));
        Replies.Fattr obj = Replies.postOpAttr(r);
        Replies.Fattr d = Replies.postOpAttr(r);
        assertEquals(0, r.remaining());
        assertEquals(expectedId, h.objectId());
        assertEquals(expectedId, obj.fileId());
        assertEquals(1, h.exportId());
        assertEquals(f.volume.getattr(expectedId).generation(), h.generation());
        assertEquals(dir, d.fileId());
        return h;
    }

    @Test
    void findsAnObject() throws Exception {
        found(lookup(sub, "file"), file, sub);
        found(lookup(f.root(), "sub"), sub, f.root());
        found(lookup(sub, "."), sub, sub);
        found(lookup(sub, ".."), f.root(), sub);
    }

    @Test
    void dotDotOfTheExportRootIsTheRootItself() throws Exception {
        found(lookup(f.root(), ".."), f.root(), f.root());
    }

    private void failure(XdrDecoder r, NfsStat3 status, long dir) throws Exception {
        assertEquals(status.code(), r.readInt());
        assertEquals(dir, Replies.postOpAttr(r).fileId());
        assertEquals(0, r.remaining());
    }

    @Test
    void missingNameIsNoent() throws Exception {
        failure(lookup(sub, "nope"), NfsStat3.NFS3ERR_NOENT, sub);
    }

    @Test
    void badNames() throws Exception {
        byte[] longName = new byte[256];
        Arrays.fill(longName, (byte) 'a');
        failure(lookup(sub, longName), NfsStat3.NFS3ERR_NAMETOOLONG, sub);
        failure(lookup(sub, new byte[] {(byte) 0xff, 'a'}), NfsStat3.NFS3ERR_INVAL, sub);
        failure(lookup(sub, "a/b"), NfsStat3.NFS3ERR_INVAL, sub);
        failure(lookup(sub, ""), NfsStat3.NFS3ERR_INVAL, sub);
        failure(lookup(sub, new byte[] {'a', 0}), NfsStat3.NFS3ERR_INVAL, sub);
        byte[] maxName = Arrays.copyOf(longName, 255);
        failure(lookup(sub, maxName), NfsStat3.NFS3ERR_NOENT, sub);
    }

    @Test
    void lookupInAFileIsNotdir() throws Exception {
        XdrDecoder r = lookup(file, "x");
        assertEquals(NfsStat3.NFS3ERR_NOTDIR.code(), r.readInt());
        assertEquals(file, Replies.postOpAttr(r).fileId());
    }

    @Test
    void searchPermissionIsTheVolumes() throws Exception {
        f.volume.setattr(TestVolume.ROOT, sub, SetAttributes.NONE.withMode(0700), null).join();
        XdrDecoder r = f.call(Nfs3Proc.LOOKUP, Nfs3Fixture.ALICE, Nfs3Fixture.LOCAL,
                e -> dirop(e, f.fh(sub), "file")).reply();
        failure(r, NfsStat3.NFS3ERR_ACCES, sub);
    }

    @Test
    void readlinkAnswersTheTarget() throws Exception {
        long link = f.volume.symlink(TestVolume.ROOT, sub, "l", "../some/where", SetAttributes.NONE)
                .join().object().fileId();
        XdrDecoder r = f.call(Nfs3Proc.READLINK, e -> e.writeOpaque(f.fh(link))).reply();
        assertEquals(0, r.readInt());
        Replies.Fattr a = Replies.postOpAttr(r);
        assertEquals(5, a.type());
        assertEquals(link, a.fileId());
        assertEquals("../some/where", r.readString(4096));
        assertEquals(0, r.remaining());
    }

    @Test
    void readlinkOfAFileIsInval() throws Exception {
        XdrDecoder r = f.call(Nfs3Proc.READLINK, e -> e.writeOpaque(f.fh(file))).reply();
        assertEquals(NfsStat3.NFS3ERR_INVAL.code(), r.readInt());
        Attributes a = f.volume.getattr(file);
        AttrProceduresTest.assertFattr(a, Replies.postOpAttr(r));
    }
}
