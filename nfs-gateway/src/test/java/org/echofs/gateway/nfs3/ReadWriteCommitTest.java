package org.echofs.gateway.nfs3;

import org.echofs.core.fs.FsError;
import org.echofs.core.fs.Stability;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.xdr.XdrDecoder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.echofs.gateway.nfs3.Nfs3Fixture.ALICE;
import static org.echofs.gateway.nfs3.Nfs3Fixture.BOB;
import static org.echofs.gateway.nfs3.Nfs3Fixture.LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** READ (RFC 1813 3.3.6), WRITE (3.3.7), COMMIT (3.3.21) and the write verifier. */
class ReadWriteCommitTest {

    private final Nfs3Fixture f = new Nfs3Fixture(new Nfs3Config(8192, 8192, 8192));
    private final long file = f.volume.file(f.root(), "f", "hello world", 0600, 1000, 1000);

    private XdrDecoder read(Credential cred, long id, long offset, long count) {
        return readCall(cred, id, offset, count).reply();
    }

    private FakeCall readCall(Credential cred, long id, long offset, long count) {
        return f.call(Nfs3Proc.READ, cred, LOCAL, e -> {
            e.writeOpaque(f.fh(id));
            e.writeLong(offset);
            e.writeInt((int) count);
        });
    }

    private record Read(Replies.Fattr attrs, int count, boolean eof, byte[] data) { }

    private static Read readOk(XdrDecoder r) throws Exception {
        assertEquals(0, r.readInt());
        Replies.Fattr a = Replies.postOpAttr(r);
        int count = r.readInt();
        boolean eof = r.readBoolean();
        byte[] data = r.readOpaque(1 << 24);
        assertEquals(0, r.remaining());
        assertEquals(count, data.length);
        return new Read(a, count, eof, data);
    }

    @Test
    void readsTheWholeFileWithEof() throws Exception {
        Read r = readOk(read(ALICE, file, 0, 100));
        assertEquals("hello world", new String(r.data(), StandardCharsets.UTF_8));
        assertTrue(r.eof());
        assertEquals(file, r.attrs().fileId());
        assertEquals(11, r.attrs().size());
    }

    @Test
    void partialReadIsNotEof() throws Exception {
        Read r = readOk(read(ALICE, file, 6, 3));
        assertEquals("wor", new String(r.data(), StandardCharsets.UTF_8));
        assertFalse(r.eof());
        Read last = readOk(read(ALICE, file, 6, 5));
        assertEquals("world", new String(last.data(), StandardCharsets.UTF_8));
        assertTrue(last.eof(), "ends exactly at end of file");
    }

    @Test
    void readPastTheEndGivesNothingAndEof() throws Exception {
        Read r = readOk(read(ALICE, file, 1000, 10));
        assertEquals(0, r.count());
        assertTrue(r.eof());
        Read huge = readOk(read(ALICE, file, -1L, 10)); // offset 2^64-1
        assertEquals(0, huge.count());
        assertTrue(huge.eof());
        assertEquals(file, huge.attrs().fileId());
    }

    @Test
    void readCountIsCappedAtRtmax() throws Exception {
        byte[] big = new byte[20000];
        Arrays.fill(big, (byte) 7);
        f.volume.write(TestVolume.ROOT, file, 0, ByteBuffer.wrap(big), Stability.FILE_SYNC).join();
        Read r = readOk(read(ALICE, file, 0, 0xFFFF_FFFFL));
        assertEquals(8192, r.count());
        assertFalse(r.eof());
    }

    @Test
    void readDataBuffersAreReleasedOnEveryPath() throws Exception {
        byte[] big = new byte[8192];
        new java.util.Random(5).nextBytes(big);
        f.volume.write(TestVolume.ROOT, file, 0, ByteBuffer.wrap(big), Stability.FILE_SYNC).join();
        // A full read: the buffer goes into the reply and is released with it.
        FakeCall full = readCall(ALICE, file, 0, 8192);
        assertArrayEquals(big, readOk(full.reply()).data());
        assertEquals(1, full.allocated());
        assertEquals(0, full.unreleased());
        // A read far shorter than its buffer: copied into a buffer of its size, both released.
        FakeCall shortRead = readCall(ALICE, file, 8000, 8192);
        assertEquals(192, readOk(shortRead.reply()).count());
        assertEquals(0, shortRead.unreleased());
        // Past the end: nothing read, the buffer released.
        FakeCall past = readCall(ALICE, file, 100_000, 8192);
        assertEquals(0, readOk(past.reply()).count());
        assertEquals(0, past.unreleased());
        // The volume refuses after the buffer was allocated.
        f.volume.failNext("read", FsError.IO);
        FakeCall failed = readCall(ALICE, file, 0, 8192);
        assertEquals(NfsStat3.NFS3ERR_IO.code(), failed.reply().readInt());
        assertEquals(1, failed.allocated());
        assertEquals(0, failed.unreleased());
        // Refused by the volume's permission check.
        FakeCall denied = readCall(BOB, file, 0, 10);
        assertEquals(NfsStat3.NFS3ERR_ACCES.code(), denied.reply().readInt());
        assertEquals(0, denied.unreleased());
        // Refused before any buffer was allocated (a bad handle).
        FakeCall bad = f.call(Nfs3Proc.READ, ALICE, LOCAL, e -> {
            e.writeOpaque(new byte[] {1, 2, 3, 4});
            e.writeLong(0);
            e.writeInt(10);
        });
        assertEquals(NfsStat3.NFS3ERR_BADHANDLE.code(), bad.reply().readInt());
        assertEquals(0, bad.allocated());
    }

    @Test
    void readRefusals() throws Exception {
        XdrDecoder denied = read(BOB, file, 0, 10);
        assertEquals(NfsStat3.NFS3ERR_ACCES.code(), denied.readInt());
        assertEquals(file, Replies.postOpAttr(denied).fileId());
        assertEquals(0, denied.remaining());
        XdrDecoder dir = read(ALICE, f.root(), 0, 10);
        assertEquals(NfsStat3.NFS3ERR_ISDIR.code(), dir.readInt());
        assertEquals(f.root(), Replies.postOpAttr(dir).fileId());
    }

    private FakeCall write(Credential cred, long offset, int count, int stable, byte[] data) {
        return f.call(Nfs3Proc.WRITE, cred, LOCAL, e -> {
            e.writeOpaque(f.fh(file));
            e.writeLong(offset);
            e.writeInt(count);
            e.writeInt(stable);
            e.writeOpaque(data);
        });
    }

    private record Write(Replies.WccData wcc, int count, int committed, long verifier) { }

    private static Write writeOk(FakeCall c) throws Exception {
        XdrDecoder r = c.reply();
        assertEquals(0, r.readInt());
        Replies.WccData w = Replies.wcc(r);
        Write out = new Write(w, r.readInt(), r.readInt(), r.readLong());
        assertEquals(0, r.remaining());
        return out;
    }

    @Test
    void writeAnswersWccCountCommittedAndTheEpochVerifier() throws Exception {
        byte[] data = "HELLO WORLD!".getBytes(StandardCharsets.UTF_8);
        Write w = writeOk(write(ALICE, 0, data.length, 2, data));
        assertEquals(12, w.count());
        assertEquals(Stability.FILE_SYNC.code(), w.committed());
        assertEquals(f.epoch.current(), w.verifier());
        assertEquals(11, w.wcc().before().size());
        assertEquals(12, w.wcc().after().size());
        assertEquals(file, w.wcc().after().fileId());
        byte[] back = new byte[12];
        f.volume.read(TestVolume.ROOT, file, 0, ByteBuffer.wrap(back));
        assertArrayEquals(data, back);
        Write unstable = writeOk(write(ALICE, 12, 1, 0, new byte[] {'?'}));
        assertEquals(Stability.UNSTABLE.code(), unstable.committed());
    }

    @Test
    void countDifferentFromDataLengthIsGarbage() {
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, write(ALICE, 0, 5, 2, new byte[4]).kind());
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, write(ALICE, 0, 3, 2, new byte[4]).kind());
    }

    @Test
    void badStableHowIsGarbage() {
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, write(ALICE, 0, 1, 3, new byte[1]).kind());
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, write(ALICE, 0, 1, -1, new byte[1]).kind());
    }

    @Test
    void writeLongerThanWtmaxIsCutShort() throws Exception {
        byte[] data = new byte[10000];
        Write w = writeOk(write(ALICE, 0, data.length, 2, data));
        assertEquals(8192, w.count());
        assertEquals(8192, f.volume.getattr(file).size());
    }

    @Test
    void writeBeyondTwoToTheSixtyThreeIsFbig() throws Exception {
        XdrDecoder r = write(ALICE, Long.MIN_VALUE, 1, 2, new byte[1]).reply();
        assertEquals(NfsStat3.NFS3ERR_FBIG.code(), r.readInt());
        Replies.WccData w = Replies.wcc(r);
        assertNull(w.before());
        assertEquals(11, w.after().size());
    }

    @Test
    void refusedWriteCarriesFreshPostOpAttributes() throws Exception {
        f.volume.failNext("write", FsError.NOSPC);
        XdrDecoder r = write(ALICE, 0, 1, 2, new byte[1]).reply();
        assertEquals(NfsStat3.NFS3ERR_NOSPC.code(), r.readInt());
        Replies.WccData w = Replies.wcc(r);
        assertNull(w.before());
        AttrProceduresTest.assertFattr(f.volume.getattr(file), w.after());
        assertEquals(0, r.remaining());
        XdrDecoder denied = write(BOB, 0, 1, 2, new byte[1]).reply();
        assertEquals(NfsStat3.NFS3ERR_ACCES.code(), denied.readInt());
    }

    @Test
    void stableWriteFailingWithIoRotatesTheEpoch() throws Exception {
        long before = f.epoch.current();
        f.volume.failNext("write", FsError.IO);
        assertEquals(NfsStat3.NFS3ERR_IO.code(), write(ALICE, 0, 1, 1, new byte[1]).reply().readInt());
        assertNotEquals(before, f.epoch.current());
        assertEquals(f.epoch.current(), writeOk(write(ALICE, 0, 1, 0, new byte[1])).verifier());
    }

    @Test
    void unstableWriteFailingWithIoKeepsTheEpoch() throws Exception {
        long before = f.epoch.current();
        f.volume.failNext("write", FsError.IO);
        assertEquals(NfsStat3.NFS3ERR_IO.code(), write(ALICE, 0, 1, 0, new byte[1]).reply().readInt());
        assertEquals(before, f.epoch.current());
    }

    private FakeCall commit() {
        return f.call(Nfs3Proc.COMMIT, e -> {
            e.writeOpaque(f.fh(file));
            e.writeLong(0);
            e.writeInt(0);
        });
    }

    @Test
    void commitAnswersWccAndTheVerifier() throws Exception {
        Write w = writeOk(write(ALICE, 0, 1, 0, new byte[1]));
        XdrDecoder r = commit().reply();
        assertEquals(0, r.readInt());
        Replies.WccData wcc = Replies.wcc(r);
        assertEquals(file, wcc.after().fileId());
        assertEquals(w.verifier(), r.readLong(), "same epoch: the client need not resend");
        assertEquals(0, r.remaining());
        assertEquals(1, f.volume.commits());
    }

    @Test
    void commitFailingWithIoRotatesTheEpochSoClientsResend() throws Exception {
        Write w = writeOk(write(ALICE, 0, 1, 0, new byte[1]));
        f.volume.failNext("commit", FsError.IO);
        XdrDecoder r = commit().reply();
        assertEquals(NfsStat3.NFS3ERR_IO.code(), r.readInt());
        assertEquals(file, Replies.wcc(r).after().fileId());
        XdrDecoder again = commit().reply();
        assertEquals(0, again.readInt());
        Replies.wcc(again);
        assertNotEquals(w.verifier(), again.readLong(), "a new verifier tells the client its unstable data is gone");
    }

    @Test
    void commitFailingOtherwiseKeepsTheEpoch() throws Exception {
        long before = f.epoch.current();
        f.volume.failNext("commit", FsError.NOSPC);
        assertEquals(NfsStat3.NFS3ERR_NOSPC.code(), commit().reply().readInt());
        assertEquals(before, f.epoch.current());
    }
}
