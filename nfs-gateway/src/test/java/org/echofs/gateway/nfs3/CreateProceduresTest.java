package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.gateway.handle.FileHandle;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.echofs.gateway.nfs3.Nfs3Fixture.ALICE;
import static org.echofs.gateway.nfs3.Nfs3Fixture.LOCAL;
import static org.echofs.gateway.nfs3.Nfs3Fixture.dirop;
import static org.echofs.gateway.nfs3.Nfs3Fixture.modeAttrs;
import static org.echofs.gateway.nfs3.Nfs3Fixture.noAttrs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** CREATE (RFC 1813 3.3.8), MKDIR (3.3.9), SYMLINK (3.3.10), MKNOD (3.3.11). */
class CreateProceduresTest {

    private final Nfs3Fixture f = new Nfs3Fixture();

    /** A successful make-reply: checks every field, returns the new object's attributes. */
    private Replies.Fattr made(FakeCall c, String name) throws Exception {
        XdrDecoder r = c.reply();
        assertEquals(0, r.readInt());
        byte[] fh = Replies.postOpFh(r);
        Replies.Fattr obj = Replies.postOpAttr(r);
        Replies.WccData dir = Replies.wcc(r);
        assertEquals(0, r.remaining());
        Attributes real = f.volume.lookup(TestVolume.ROOT, f.root(), name);
        FileHandle h = f.codec.decode(fh);
        assertEquals(new FileHandle(1, real.fileId(), real.generation()), h);
        AttrProceduresTest.assertFattr(real, obj);
        assertEquals(f.root(), dir.after().fileId());
        assertNotEquals(null, dir.before());
        assertEquals(true, dir.after().mtimeNanos() >= dir.before().mtimeSec() * 1_000_000_000L + dir.before().mtimeNsec());
        return obj;
    }

    private void refused(FakeCall c, NfsStat3 status) throws Exception {
        XdrDecoder r = c.reply();
        assertEquals(status.code(), r.readInt());
        Replies.WccData dir = Replies.wcc(r);
        assertNull(dir.before());
        AttrProceduresTest.assertFattr(f.volume.getattr(f.root()), dir.after());
        assertEquals(0, r.remaining());
    }

    private FakeCall create(String name, int mode, Consumer<XdrEncoder> how) {
        return f.call(Nfs3Proc.CREATE, e -> {
            dirop(e, f.fh(f.root()), name);
            e.writeInt(mode);
            how.accept(e);
        });
    }

    @Test
    void createUncheckedAndGuarded() throws Exception {
        Replies.Fattr a = made(create("u", 0, e -> modeAttrs(e, 0640)), "u");
        assertEquals(1, a.type());
        assertEquals(0640, a.mode());
        assertEquals(0, a.size());
        refused(create("u", 1, Nfs3Fixture::noAttrs), NfsStat3.NFS3ERR_EXIST);
        made(create("u", 0, Nfs3Fixture::noAttrs), "u"); // UNCHECKED opens the existing file
        made(create("g", 1, Nfs3Fixture::noAttrs), "g");
    }

    @Test
    void createUncheckedTruncatesWhenASizeIsGiven() throws Exception {
        f.volume.file(f.root(), "t", "content", 0644, 0, 0);
        Replies.Fattr a = made(create("t", 0, e -> {
            e.writeBoolean(false);
            e.writeBoolean(false);
            e.writeBoolean(false);
            e.writeBoolean(true);
            e.writeLong(0);
            e.writeInt(0);
            e.writeInt(0);
        }), "t");
        assertEquals(0, a.size());
    }

    @Test
    void createExclusiveIsIdempotentForTheSameVerifier() throws Exception {
        Replies.Fattr first = made(create("x", 2, e -> e.writeLong(0x1122334455667788L)), "x");
        Replies.Fattr again = made(create("x", 2, e -> e.writeLong(0x1122334455667788L)), "x");
        assertEquals(first.fileId(), again.fileId());
        refused(create("x", 2, e -> e.writeLong(99)), NfsStat3.NFS3ERR_EXIST);
    }

    @Test
    void createGarbage() {
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, create("y", 3, Nfs3Fixture::noAttrs).kind());
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, create("y", 2, e -> e.writeInt(1)).kind(), "short verifier");
    }

    @Test
    void createAsAUserWithoutWritePermission() throws Exception {
        FakeCall c = f.call(Nfs3Proc.CREATE, ALICE, LOCAL, e -> {
            dirop(e, f.fh(f.root()), "nope");
            e.writeInt(0);
            noAttrs(e);
        });
        refused(c, NfsStat3.NFS3ERR_ACCES);
    }

    @Test
    void badNamesAreRefusedBeforeStorage() throws Exception {
        byte[] longName = new byte[256];
        Arrays.fill(longName, (byte) 'n');
        FakeCall tooLong = f.call(Nfs3Proc.MKDIR, e -> {
            e.writeOpaque(f.fh(f.root()));
            e.writeOpaque(longName);
            noAttrs(e);
        });
        refused(tooLong, NfsStat3.NFS3ERR_NAMETOOLONG);
        FakeCall notUtf8 = f.call(Nfs3Proc.CREATE, e -> {
            e.writeOpaque(f.fh(f.root()));
            e.writeOpaque(new byte[] {'a', (byte) 0xc3});
            e.writeInt(0);
            noAttrs(e);
        });
        refused(notUtf8, NfsStat3.NFS3ERR_INVAL);
        FakeCall dot = f.call(Nfs3Proc.MKDIR, e -> {
            dirop(e, f.fh(f.root()), "..");
            noAttrs(e);
        });
        refused(dot, NfsStat3.NFS3ERR_EXIST);
    }

    @Test
    void mkdir() throws Exception {
        Replies.Fattr a = made(f.call(Nfs3Proc.MKDIR, e -> {
            dirop(e, f.fh(f.root()), "d");
            modeAttrs(e, 0700);
        }), "d");
        assertEquals(2, a.type());
        assertEquals(0700, a.mode());
        refused(f.call(Nfs3Proc.MKDIR, e -> {
            dirop(e, f.fh(f.root()), "d");
            noAttrs(e);
        }), NfsStat3.NFS3ERR_EXIST);
    }

    private FakeCall symlink(String name, byte[] target) {
        return f.call(Nfs3Proc.SYMLINK, e -> {
            dirop(e, f.fh(f.root()), name);
            noAttrs(e);
            e.writeOpaque(target);
        });
    }

    @Test
    void symlinkWithAttributesAndTarget() throws Exception {
        Replies.Fattr a = made(f.call(Nfs3Proc.SYMLINK, e -> {
            dirop(e, f.fh(f.root()), "l");
            modeAttrs(e, 0777);
            e.writeString("sub/target ✓");
        }), "l");
        assertEquals(5, a.type());
        assertEquals("sub/target ✓", f.volume.readlink(a.fileId()));
        assertEquals("sub/target ✓".getBytes(StandardCharsets.UTF_8).length, a.size());
    }

    @Test
    void symlinkTargetLimits() throws Exception {
        byte[] max = new byte[4096];
        Arrays.fill(max, (byte) 'p');
        made(symlink("ok", max), "ok");
        refused(symlink("long", Arrays.copyOf(max, 4097)), NfsStat3.NFS3ERR_NAMETOOLONG);
        refused(symlink("bad", new byte[] {(byte) 0xfe}), NfsStat3.NFS3ERR_INVAL);
        refused(symlink("empty", new byte[0]), NfsStat3.NFS3ERR_INVAL);
    }

    private FakeCall mknod(String name, int type, Consumer<XdrEncoder> data) {
        return f.call(Nfs3Proc.MKNOD, e -> {
            dirop(e, f.fh(f.root()), name);
            e.writeInt(type);
            data.accept(e);
        });
    }

    @Test
    void mknodDevicesCarrySpecdata() throws Exception {
        Replies.Fattr chr = made(mknod("c", 4, e -> {
            modeAttrs(e, 0620);
            e.writeInt(136);
            e.writeInt(3);
        }), "c");
        assertEquals(4, chr.type());
        assertEquals(136, chr.rdevMajor());
        assertEquals(3, chr.rdevMinor());
        assertEquals(0620, chr.mode());
        Replies.Fattr blk = made(mknod("b", 3, e -> {
            noAttrs(e);
            e.writeInt(8);
            e.writeInt(1);
        }), "b");
        assertEquals(3, blk.type());
        assertEquals(8, blk.rdevMajor());
    }

    @Test
    void mknodFifoAndSocket() throws Exception {
        assertEquals(7, made(mknod("p", 7, e -> modeAttrs(e, 0600)), "p").type());
        assertEquals(6, made(mknod("s", 6, Nfs3Fixture::noAttrs), "s").type());
    }

    @Test
    void mknodOfRegularDirectoryOrLinkIsBadtype() throws Exception {
        for (int type : new int[] {1, 2, 5}) {
            refused(mknod("r" + type, type, e -> { }), NfsStat3.NFS3ERR_BADTYPE);
        }
    }

    @Test
    void mknodOfAnUnknownTypeIsGarbage() {
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, mknod("z", 0, e -> { }).kind());
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, mknod("z", 8, e -> { }).kind());
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, mknod("z", 4, Nfs3Fixture::noAttrs).kind(), "no specdata");
    }

    @Test
    void createdHandleWorks() throws Exception {
        XdrDecoder r = create("h", 1, Nfs3Fixture::noAttrs).reply();
        r.readInt();
        byte[] fh = Replies.postOpFh(r);
        XdrDecoder g = f.call(Nfs3Proc.GETATTR, e -> e.writeOpaque(fh)).reply();
        assertEquals(0, g.readInt());
        assertArrayEquals(fh, f.fh(f.volume.lookup(TestVolume.ROOT, f.root(), "h").fileId()));
    }
}
