package org.echofs.storage;

import static org.echofs.storage.Vol.ALICE;
import static org.echofs.storage.Vol.BOB;
import static org.echofs.storage.Vol.CAROL;
import static org.echofs.storage.Vol.ROOT;
import static org.echofs.storage.Vol.assertErr;
import static org.echofs.storage.Vol.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.Caller;
import org.echofs.core.fs.CreateHow;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;
import org.echofs.core.fs.TimeChange;
import org.echofs.core.fs.Wcc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SETATTR (RFC 1813 section 3.3.2) with POSIX permission rules. */
class SetattrTest {

    @TempDir Path tmp;
    Vol v;
    long root;
    long f;

    @BeforeEach void open() throws Exception {
        v = new Vol(tmp.resolve("vol"));
        root = v.root();
        f = get(v.e.create(ALICE, root, "f", CreateHow.GUARDED, SetAttributes.NONE.withMode(0664), 0)).object().fileId();
    }

    @AfterEach void close() {
        v.close();
    }

    private static SetAttributes mode(int m) {
        return SetAttributes.NONE.withMode(m);
    }

    private static SetAttributes owner(Integer uid, Integer gid) {
        return new SetAttributes(null, uid, gid, null, null, null);
    }

    private static SetAttributes times(TimeChange atime, TimeChange mtime) {
        return new SetAttributes(null, null, null, null, atime, mtime);
    }

    @Test void modeByOwnerOrRootOnly() throws Exception {
        v.clock.advance(3);
        Wcc w = get(v.e.setattr(ALICE, f, mode(0600), null));
        assertEquals(0600, w.after().mode());
        assertEquals(Vol.T0 + 3, w.after().ctimeNanos());
        assertEquals(Vol.T0, w.after().mtimeNanos());
        assertErr(FsError.PERM, v.e.setattr(BOB, f, mode(0777), null));
        get(v.e.setattr(ROOT, f, mode(0640), null));
        assertEquals(0640, v.e.getattr(f).mode());
    }

    @Test void ownerOnlyByRoot() throws Exception {
        assertErr(FsError.PERM, v.e.setattr(ALICE, f, owner(1001, null), null));
        get(v.e.setattr(ALICE, f, owner(1000, null), null)); // unchanged owner is fine
        get(v.e.setattr(ROOT, f, owner(1001, null), null));
        assertEquals(1001, v.e.getattr(f).uid());
    }

    @Test void groupByRootOrByTheOwnerToItsOwnGroups() throws Exception {
        Caller alice = new Caller(1000, 1000, new int[] {2000});
        get(v.e.setattr(alice, f, owner(null, 2000), null));
        assertEquals(2000, v.e.getattr(f).gid());
        assertErr(FsError.PERM, v.e.setattr(alice, f, owner(null, 3000), null));
        assertErr(FsError.PERM, v.e.setattr(BOB, f, owner(null, 1001), null));
        get(v.e.setattr(ROOT, f, owner(null, 3000), null));
        assertEquals(3000, v.e.getattr(f).gid());
    }

    @Test void chownByNonRootClearsSetuidAndSetgid() throws Exception {
        Caller alice = new Caller(1000, 1000, new int[] {2000});
        get(v.e.setattr(alice, f, mode(06775), null));
        assertEquals(06775, v.e.getattr(f).mode());
        get(v.e.setattr(alice, f, owner(null, 2000), null));
        assertEquals(0775, v.e.getattr(f).mode());
        get(v.e.setattr(ROOT, f, mode(06755), null));
        get(v.e.setattr(ROOT, f, owner(1001, 1001), null));
        assertEquals(06755, v.e.getattr(f).mode(), "root keeps the bits");
    }

    @Test void setgidIsDroppedForANonMemberGroup() throws Exception {
        get(v.e.setattr(ROOT, f, owner(null, 4000), null));
        get(v.e.setattr(ALICE, f, mode(02755), null));
        assertEquals(0755, v.e.getattr(f).mode());
    }

    @Test void serverTimeNeedsWritePermissionOrOwnership() throws Exception {
        v.clock.advance(100);
        Wcc w = get(v.e.setattr(BOB, f, times(TimeChange.SERVER, TimeChange.SERVER), null)); // BOB is in group 1000, mode 0664
        assertEquals(Vol.T0 + 100, w.after().mtimeNanos());
        assertEquals(Vol.T0 + 100, w.after().atimeNanos());
        assertErr(FsError.ACCES, v.e.setattr(CAROL, f, times(null, TimeChange.SERVER), null));
    }

    @Test void clientTimeNeedsOwnership() throws Exception {
        long t = 1_000_000_000L;
        assertErr(FsError.PERM, v.e.setattr(BOB, f, times(new TimeChange.ClientTime(t), null), null));
        Wcc w = get(v.e.setattr(ALICE, f, times(new TimeChange.ClientTime(t), new TimeChange.ClientTime(2 * t)), null));
        assertEquals(t, w.after().atimeNanos());
        assertEquals(2 * t, w.after().mtimeNanos());
        get(v.e.setattr(ROOT, f, times(null, new TimeChange.ClientTime(3 * t)), null));
        assertEquals(3 * t, v.e.getattr(f).mtimeNanos());
    }

    @Test void clientMtimeWinsOverAnUnstableWrite() throws Exception {
        v.clock.advance(50);
        v.write(ALICE, f, 0, "data", Stability.UNSTABLE);
        get(v.e.setattr(ALICE, f, times(null, new TimeChange.ClientTime(42)), null));
        Attributes a = v.e.getattr(f);
        assertEquals(42, a.mtimeNanos());
        assertEquals(4, a.size());
        get(v.e.commit(f));
        assertEquals(42, v.e.getattr(f).mtimeNanos());
        v.reopen();
        assertEquals(42, v.e.getattr(f).mtimeNanos());
        assertEquals(4, v.e.getattr(f).size());
    }

    @Test void ctimeGuard() throws Exception {
        Attributes a = v.e.getattr(f);
        v.clock.advance(1);
        assertErr(FsError.NOT_SYNC, v.e.setattr(ALICE, f, mode(0600), a.ctimeNanos() - 1));
        assertEquals(0664, v.e.getattr(f).mode());
        Wcc w = get(v.e.setattr(ALICE, f, mode(0600), a.ctimeNanos()));
        assertEquals(0600, w.after().mode());
        assertErr(FsError.NOT_SYNC, v.e.setattr(ALICE, f, mode(0644), a.ctimeNanos()));
    }

    @Test void writesUpdateCtimeAndMtime() throws Exception {
        v.clock.advance(1000);
        get(v.e.write(ALICE, f, 0, ByteBuffer.wrap(new byte[10]), Stability.UNSTABLE));
        Attributes a = v.e.getattr(f);
        assertEquals(Vol.T0 + 1000, a.mtimeNanos());
        assertEquals(Vol.T0 + 1000, a.ctimeNanos());
    }

    @Test void setattrOfADirectoryAndSymlink() throws Exception {
        long d = v.mkdir(ALICE, root, "d").fileId();
        get(v.e.setattr(ALICE, d, mode(0700), null));
        assertEquals(0700, v.e.getattr(d).mode());
        long l = get(v.e.symlink(ALICE, root, "l", "f", SetAttributes.NONE)).object().fileId();
        get(v.e.setattr(ROOT, l, owner(1001, null), null));
        assertEquals(1001, v.e.getattr(l).uid());
    }

    @Test void attributesSurviveRestart() throws Exception {
        get(v.e.setattr(ROOT, f, new SetAttributes(0600, 1234, 5678, 10L, new TimeChange.ClientTime(7),
                new TimeChange.ClientTime(8)), null));
        Attributes before = v.e.getattr(f);
        v.reopen();
        assertEquals(before, v.e.getattr(f));
        v.crashAndReopen();
        assertEquals(before, v.e.getattr(f));
    }
}
