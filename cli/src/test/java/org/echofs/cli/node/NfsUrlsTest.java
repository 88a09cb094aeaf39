package org.echofs.cli.node;

import org.echofs.cli.config.Addresses;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NfsUrlsTest {

    @Test
    void libnfsUrlNamesBothPortsAndVersion() {
        assertEquals("nfs://127.0.0.1/export?nfsport=2049&mountport=2049&version=3",
                NfsUrls.libnfs(Addresses.parse("127.0.0.1"), "/export", 2049, 2049));
        assertEquals("nfs://[0:0:0:0:0:0:0:1]/a%20b?nfsport=1&mountport=2&version=3",
                NfsUrls.libnfs(Addresses.parse("::1"), "/a b", 1, 2));
    }

    @Test
    void mountCommandIsTheDocumentedOne() {
        assertEquals("mount -t nfs -o vers=3,proto=tcp,port=2049,mountport=2049,nolock 127.0.0.1:/export /mnt",
                NfsUrls.mountCommand(Addresses.parse("127.0.0.1"), "/export", 2049, 2049));
        assertEquals("mount -t nfs -o vers=3,proto=tcp,port=5,mountport=5,nolock 127.0.0.1:'/it'\\''s' /mnt",
                NfsUrls.mountCommand(Addresses.parse("127.0.0.1"), "/it's", 5, 5));
    }

    @Test
    void gatewayInfoDialsLoopbackForAWildcardBind() {
        GatewayInfo info = GatewayInfo.of(42, new InetSocketAddress(Addresses.parse("0.0.0.0"), 3049), "/export",
                null, new InetSocketAddress(Addresses.parse("127.0.0.1"), 9100), "/d", "t");
        assertEquals("127.0.0.1", info.host());
        assertEquals("nfs://127.0.0.1/export?nfsport=3049&mountport=3049&version=3", info.url());
        assertEquals("http://127.0.0.1:9100/metrics", info.metrics());
        assertEquals(new InetSocketAddress(Addresses.parse("127.0.0.1"), 3049), info.nfsAddress());
        assertEquals(null, info.portmapPort());
    }
}
