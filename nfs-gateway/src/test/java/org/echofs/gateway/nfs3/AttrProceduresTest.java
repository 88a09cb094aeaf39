package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Access;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FileType;
import org.echofs.core.fs.SetAttributes;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

import static org.echofs.gateway.nfs3.Nfs3Fixture.ALICE;
import static org.echofs.gateway.nfs3.Nfs3Fixture.BOB;
import static org.echofs.gateway.nfs3.Nfs3Fixture.LOCAL;
import static org.echofs.gateway.nfs3.Nfs3Fixture.TEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** GETATTR (RFC 1813 3.3.1), SETATTR (3.3.2), ACCESS (3.3.4). */
class AttrProceduresTest {

    private final Nfs3Fixture f = new Nfs3Fixture();
    private final long file = f.volume.file(f.root(), "f", "hello", 04751, 1000, 1000);

    static void assertFattr(Attributes a, Replies.Fattr w) {
        assertEquals(a.type().code(), w.type());
        assertEquals(a.mode(), w.mode());
        assertEquals(a.nlink(), w.nlink());
        assertEquals(a.uid(), w.uid());
        assertEquals(a.gid(), w.gid());
        assertEquals(a.size(), w.size());
        assertEquals(a.used(), w.used());
        assertEquals(a.rdevMajor(), w.rdevMajor());
        assertEquals(a.rdevMinor(), w.rdevMinor());
        assertEquals(a.fsid(), w.fsid());
        assertEquals(a.fileId(), w.fileId());
        assertEquals(a.atimeNanos() / 1_000_000_000L, w.atimeSec());
        assertEquals(a.atimeNanos() % 1_000_000_000L, w.atimeNsec());
        assertEquals(a.mtimeNanos() / 1_000_000_000L, w.mtimeSec());
        assertEquals(a.mtimeNanos() % 1_000_000_000L, w.mtimeNsec());
        assertEquals(a.ctimeNanos() / 1_000_000_000L, w.ctimeSec());
        assertEquals(a.ctimeNanos() % 1_000_000_000L, w.ctimeNsec());
    }

    private XdrDecoder ok(FakeCall c) throws Exception {
        XdrDecoder r = c.reply();
        assertEquals(0, r.readInt());
        return r;
    }

    @Test
    void getattrEncodesEveryFattr3Field() throws Exception {
        XdrDecoder r = ok(f.call(Nfs3Proc.GETATTR, e -> e.writeOpaque(f.fh(file))));
        Replies.Fattr w = Replies.fattr(r);
        assertEquals(0, r.remaining());
        Attributes a = f.volume.getattr(file);
        assertFattr(a, w);
        assertEquals(1, w.type());
        assertEquals(04751, w.mode(), "set-uid bits and permissions, no type bits");
        assertEquals(5, w.size());
        assertEquals(TestVolume.FSID, w.fsid());
        assertEquals(1_700_000_000L, w.mtimeSec());
    }

    @Test
    void getattrOfADeviceCarriesRdevAndOfADirectoryItsType() throws Exception {
        long dev = f.volume.mknod(TestVolume.ROOT, f.root(), "tty", FileType.CHAR, SetAttributes.NONE, 4, 64)
                .join().object().fileId();
        Replies.Fattr w = Replies.fattr(ok(f.call(Nfs3Proc.GETATTR, e -> e.writeOpaque(f.fh(dev)))));
        assertEquals(4, w.type());
        assertEquals(4, w.rdevMajor());
        assertEquals(64, w.rdevMinor());
        Replies.Fattr d = Replies.fattr(ok(f.call(Nfs3Proc.GETATTR, e -> e.writeOpaque(f.fh(f.root())))));
        assertEquals(2, d.type());
    }

    @Test
    void getattrFailureArmIsEmpty() throws Exception {
        XdrDecoder r = f.call(Nfs3Proc.GETATTR, e -> e.writeOpaque(new byte[33])).reply();
        assertEquals(NfsStat3.NFS3ERR_BADHANDLE.code(), r.readInt());
        assertEquals(0, r.remaining());
    }

    private FakeCall setattr(Credential cred, Consumer<XdrEncoder> sattr, Long guard) {
        return f.call(Nfs3Proc.SETATTR, cred, LOCAL, e -> {
            e.writeOpaque(f.fh(file));
            sattr.accept(e);
            e.writeBoolean(guard != null);
            if (guard != null) {
                e.writeInt((int) (guard / 1_000_000_000L));
                e.writeInt((int) (guard % 1_000_000_000L));
            }
        });
    }

    /** sattr3: mode, uid, gid, size, atime how (+time), mtime how (+time). */
    private static Consumer<XdrEncoder> sattr(Integer mode, Long size, int atimeHow, long atimeSec, int mtimeHow,
                                              long mtimeSec, long mtimeNsec) {
        return e -> {
            e.writeBoolean(mode != null);
            if (mode != null) e.writeInt(mode);
            e.writeBoolean(false);
            e.writeBoolean(false);
            e.writeBoolean(size != null);
            if (size != null) e.writeLong(size);
            e.writeInt(atimeHow);
            if (atimeHow == 2) {
                e.writeInt((int) atimeSec);
                e.writeInt(0);
            }
            e.writeInt(mtimeHow);
            if (mtimeHow == 2) {
                e.writeInt((int) mtimeSec);
                e.writeInt((int) mtimeNsec);
            }
        };
    }

    @Test
    void setattrChangesModeAndAnswersWcc() throws Exception {
        Attributes before = f.volume.getattr(file);
        XdrDecoder r = ok(setattr(ALICE, sattr(0600, null, 0, 0, 0, 0, 0), null));
        Replies.WccData w = Replies.wcc(r);
        assertEquals(0, r.remaining());
        assertEquals(before.size(), w.before().size());
        assertEquals(before.ctimeNanos() / 1_000_000_000L, w.before().ctimeSec());
        assertEquals(before.ctimeNanos() % 1_000_000_000L, w.before().ctimeNsec());
        assertEquals(0600, w.after().mode());
        assertFattr(f.volume.getattr(file), w.after());
        assertNotEquals(before.ctimeNanos(), w.after().ctimeNanos());
    }

    @Test
    void setattrBothTimeForms() throws Exception {
        Attributes before = f.volume.getattr(file);
        Replies.WccData client = Replies.wcc(ok(setattr(ALICE, sattr(null, null, 2, 1_000_000, 2, 2_000_000, 123_456_789), null)));
        assertEquals(1_000_000L, client.after().atimeSec());
        assertEquals(0, client.after().atimeNsec());
        assertEquals(2_000_000L, client.after().mtimeSec());
        assertEquals(123_456_789L, client.after().mtimeNsec());
        Replies.WccData server = Replies.wcc(ok(setattr(ALICE, sattr(null, null, 0, 0, 1, 0, 0), null)));
        assertEquals(1_000_000L, server.after().atimeSec(), "DONT_CHANGE keeps atime");
        assertEquals(true, server.after().mtimeNanos() > before.mtimeNanos(), "SET_TO_SERVER_TIME");
    }

    @Test
    void setattrTruncates() throws Exception {
        Replies.WccData w = Replies.wcc(ok(setattr(ALICE, sattr(null, 2L, 0, 0, 0, 0, 0), null)));
        assertEquals(5, w.before().size());
        assertEquals(2, w.after().size());
    }

    @Test
    void setattrCtimeGuard() throws Exception {
        long ctime = f.volume.getattr(file).ctimeNanos();
        XdrDecoder r = setattr(ALICE, sattr(0600, null, 0, 0, 0, 0, 0), ctime + 1).reply();
        assertEquals(NfsStat3.NFS3ERR_NOT_SYNC.code(), r.readInt());
        Replies.WccData w = Replies.wcc(r);
        assertNull(w.before());
        assertEquals(04751, w.after().mode(), "nothing changed");
        ok(setattr(ALICE, sattr(0600, null, 0, 0, 0, 0, 0), ctime));
        assertEquals(0600, f.volume.getattr(file).mode());
    }

    @Test
    void setattrByAnotherUserIsPerm() throws Exception {
        XdrDecoder r = setattr(BOB, sattr(0777, null, 0, 0, 0, 0, 0), null).reply();
        assertEquals(NfsStat3.NFS3ERR_PERM.code(), r.readInt());
        assertEquals(file, Replies.wcc(r).after().fileId());
    }

    @Test
    void setattrGarbage() {
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, setattr(ALICE, sattr(null, null, 3, 0, 0, 0, 0), null).kind(),
                "time_how 3");
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, setattr(ALICE, e -> e.writeInt(2), null).kind(), "bool 2");
    }

    private int access(Credential cred, InetSocketAddress from, long id, int want) throws Exception {
        XdrDecoder r = ok(f.call(Nfs3Proc.ACCESS, cred, from, e -> {
            e.writeOpaque(f.fh(id));
            e.writeInt(want);
        }));
        Replies.Fattr a = Replies.postOpAttr(r);
        assertEquals(id, a.fileId());
        int granted = r.readInt();
        assertEquals(0, r.remaining());
        return granted;
    }

    @Test
    void accessAnswersTruthfullyForTheSquashedCaller() throws Exception {
        int all = 0x3f;
        // 04751 owned by 1000: owner rwx, group r-x, other --x
        assertEquals(Access.READ | Access.MODIFY | Access.EXTEND | Access.EXECUTE, access(ALICE, LOCAL, file, all));
        assertEquals(Access.EXECUTE, access(BOB, LOCAL, file, all));
        assertEquals(Access.READ, access(ALICE, LOCAL, file, Access.READ | Access.DELETE), "only what was asked");
        assertEquals(Access.READ | Access.LOOKUP | Access.MODIFY | Access.EXTEND | Access.DELETE,
                access(Nfs3Fixture.ROOT, LOCAL, f.root(), all));
        assertEquals(Access.READ | Access.LOOKUP, access(BOB, LOCAL, f.root(), all));
    }

    @Test
    void accessOnAReadOnlyRuleNeverGrantsModification() throws Exception {
        assertEquals(Access.READ | Access.LOOKUP, access(Nfs3Fixture.ROOT, TEN, f.root(), 0x3f));
        assertEquals(Access.READ | Access.EXECUTE, access(ALICE, TEN, file, 0x3f));
    }
}
