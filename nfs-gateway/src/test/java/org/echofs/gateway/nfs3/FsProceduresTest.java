package org.echofs.gateway.nfs3;

import org.echofs.gateway.xdr.XdrDecoder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FSSTAT (RFC 1813 3.3.18), FSINFO (3.3.19), PATHCONF (3.3.20). */
class FsProceduresTest {

    private XdrDecoder ok(Nfs3Fixture f, Nfs3Proc p) throws Exception {
        XdrDecoder r = f.call(p, e -> e.writeOpaque(f.fh(f.root()))).reply();
        assertEquals(0, r.readInt());
        assertEquals(f.root(), Replies.postOpAttr(r).fileId());
        return r;
    }

    @Test
    void fsstat() throws Exception {
        Nfs3Fixture f = new Nfs3Fixture();
        XdrDecoder r = ok(f, Nfs3Proc.FSSTAT);
        assertEquals(TestVolume.STAT.totalBytes(), r.readLong());
        assertEquals(TestVolume.STAT.freeBytes(), r.readLong());
        assertEquals(TestVolume.STAT.availableBytes(), r.readLong());
        assertEquals(TestVolume.STAT.totalFiles(), r.readLong());
        assertEquals(TestVolume.STAT.freeFiles(), r.readLong());
        assertEquals(TestVolume.STAT.availableFiles(), r.readLong());
        assertEquals(0, r.readInt(), "invarsec");
        assertEquals(0, r.remaining());
    }

    @Test
    void fsinfoDefaults() throws Exception {
        Nfs3Fixture f = new Nfs3Fixture();
        XdrDecoder r = ok(f, Nfs3Proc.FSINFO);
        assertEquals(1 << 20, r.readInt(), "rtmax");
        assertEquals(1 << 20, r.readInt(), "rtpref");
        assertEquals(4096, r.readInt(), "rtmult");
        assertEquals(1 << 20, r.readInt(), "wtmax");
        assertEquals(1 << 20, r.readInt(), "wtpref");
        assertEquals(4096, r.readInt(), "wtmult");
        assertEquals(64 << 10, r.readInt(), "dtpref");
        assertEquals(TestVolume.INFO.maxFileSize(), r.readLong());
        assertEquals(0, r.readInt(), "time_delta seconds");
        assertEquals(TestVolume.INFO.timeDeltaNanos(), r.readInt(), "time_delta nseconds");
        assertEquals(0x1 | 0x2 | 0x8 | 0x10, r.readInt(), "LINK|SYMLINK|HOMOGENEOUS|CANSETTIME");
        assertEquals(0, r.remaining());
    }

    @Test
    void fsinfoConfigured() throws Exception {
        Nfs3Fixture f = new Nfs3Fixture(new Nfs3Config(65536, 32768, 8192));
        XdrDecoder r = ok(f, Nfs3Proc.FSINFO);
        assertEquals(65536, r.readInt());
        assertEquals(65536, r.readInt());
        r.readInt();
        assertEquals(32768, r.readInt());
        assertEquals(32768, r.readInt());
        r.readInt();
        assertEquals(8192, r.readInt());
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new Nfs3Config(1000, 4096, 4096));
        assertThrows(IllegalArgumentException.class, () -> new Nfs3Config(4096, 0, 4096));
        assertThrows(IllegalArgumentException.class, () -> new Nfs3Config(4096, 4096, 128 << 20));
    }

    @Test
    void pathconf() throws Exception {
        Nfs3Fixture f = new Nfs3Fixture();
        XdrDecoder r = ok(f, Nfs3Proc.PATHCONF);
        assertEquals(TestVolume.INFO.linkMax(), r.readInt());
        assertEquals(255, r.readInt());
        assertTrue(r.readBoolean(), "no_trunc");
        assertTrue(r.readBoolean(), "chown_restricted");
        assertFalse(r.readBoolean(), "case_insensitive");
        assertTrue(r.readBoolean(), "case_preserving");
        assertEquals(0, r.remaining());
    }
}
