package org.echofs.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NfsUrlTest {

    @Test
    void parsesTheLibnfsForm() {
        NfsUrl u = NfsUrl.parse("nfs://127.0.0.1/export/sub/?nfsport=2049&mountport=20048&version=3&uid=1000&gid=100");
        assertEquals("127.0.0.1", u.host());
        assertEquals("/export/sub", u.path());
        assertEquals(2049, u.nfsPort());
        assertEquals(20048, u.mountPort());
        assertEquals(OptionalInt.of(1000), u.uid());
        assertEquals(OptionalInt.of(100), u.gid());
    }

    @Test
    void decodesThePathAndWritesChildUrlsBack() {
        NfsUrl u = NfsUrl.parse("NFS://localhost/my%20export?mountport=5&nfsport=4");
        assertEquals("/my export", u.path());
        assertEquals("nfs://localhost/my%20export/d/f?nfsport=4&mountport=5&version=3", u.child("d/f"));
        assertEquals("nfs://localhost/my%20export?nfsport=4&mountport=5&version=3", u.toString());
        assertEquals("/", NfsUrl.parse("nfs://h?nfsport=1&mountport=1").path());
        assertEquals("nfs://h/x?nfsport=1&mountport=1&version=3", NfsUrl.parse("nfs://h/?nfsport=1&mountport=1").child("x"));
    }

    @Test
    void ipv6LiteralsGoInBrackets() {
        NfsUrl u = NfsUrl.parse("nfs://[::1]/export?nfsport=2049&mountport=2049");
        assertEquals("::1", u.host());
        assertTrue(u.toString().startsWith("nfs://[::1]/export?"), u.toString());
    }

    @Test
    void bothPortsAreRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NfsUrl.parse("nfs://127.0.0.1/export?nfsport=2049"));
        assertTrue(e.getMessage().contains("give both nfsport= and mountport="), e.getMessage());
        assertTrue(e.getMessage().contains("portmapper"), e.getMessage());
    }

    @Test
    void refusesWhatLibnfsRefusesOrWeCannotServe() {
        assertMessage("nfs://127.0.0.1:2049/export?nfsport=1&mountport=1", "port after the host");
        assertMessage("http://127.0.0.1/export?nfsport=1&mountport=1", "not an nfs:// URL");
        assertMessage("nfs:///export?nfsport=1&mountport=1", "names no host");
        assertMessage("nfs://h/e?nfsport=1&mountport=1&version=4", "only NFS version 3");
        assertMessage("nfs://h/e?nfsport=0&mountport=1", "nfsport=0 is not a port");
        assertMessage("nfs://h/e?nfsport=70000&mountport=1", "not a port");
        assertMessage("nfs://h/e?nfsport=1&mountport=x", "mountport=x is not a port");
        assertMessage("nfs://h/e?nfsport=1&mountport=1&uid=-1", "uid=-1 is not a number");
    }

    private static void assertMessage(String url, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NfsUrl.parse(url));
        assertTrue(e.getMessage().contains(part), url + " -> " + e.getMessage());
    }
}
