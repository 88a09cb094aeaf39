package org.echofs.cli.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressesTest {

    @Test
    void parsesLiteralsOnly() {
        assertEquals("127.0.0.1", Addresses.parse("127.0.0.1").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", Addresses.parse("::1").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", Addresses.parse("[::1]").getHostAddress());
        for (String bad : new String[] {"localhost", "256.0.0.1", "1.2.3", "example.com", "g::1", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Addresses.parse(bad), bad);
            assertTrue(e.getMessage().contains("is not an IP address"), e.getMessage());
        }
    }

    @Test
    void wildcardBindsAreDialedOnLoopback() {
        InetAddress any4 = Addresses.parse("0.0.0.0");
        assertEquals("127.0.0.1", Addresses.dialable(any4).getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", Addresses.dialable(Addresses.parse("::")).getHostAddress());
        assertEquals("127.0.0.5", Addresses.dialable(Addresses.parse("127.0.0.5")).getHostAddress());
    }

    @Test
    void urlHostBracketsIpv6() {
        assertEquals("127.0.0.1", Addresses.urlHost(Addresses.parse("127.0.0.1")));
        assertEquals("[0:0:0:0:0:0:0:1]", Addresses.urlHost(Addresses.parse("::1")));
    }
}
