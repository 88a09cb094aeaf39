package org.echofs.gateway.nfs3;

import org.echofs.core.fs.FsError;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 1813 section 2.6: every FsError maps to the nfsstat3 of the same name and number. */
class NfsStat3Test {

    @Test
    void everyFsErrorMapsToTheSameNamedStatus() {
        Set<NfsStat3> seen = new HashSet<>();
        for (FsError e : FsError.values()) {
            NfsStat3 s = NfsStat3.of(e);
            assertEquals("NFS3ERR_" + e.name(), s.name());
            assertEquals(e.code(), s.code(), e.name());
            seen.add(s);
        }
        assertEquals(FsError.values().length, seen.size(), "one to one");
        assertEquals(FsError.values().length + 1, NfsStat3.values().length, "plus NFS3_OK");
    }

    @Test
    void wireNumbersFromTheRfc() {
        assertEquals(0, NfsStat3.NFS3_OK.code());
        assertEquals(70, NfsStat3.NFS3ERR_STALE.code());
        assertEquals(10001, NfsStat3.NFS3ERR_BADHANDLE.code());
        assertEquals(10005, NfsStat3.NFS3ERR_TOOSMALL.code());
        assertEquals(10008, NfsStat3.NFS3ERR_JUKEBOX.code());
    }
}
