package org.echofs.cli.node;

import org.echofs.cli.config.Addresses;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The strings a user pastes to reach an export: the libnfs URL (with explicit ports, so no
 * portmapper is consulted) and the Linux mount command. Stateless.
 */
public final class NfsUrls {

    private NfsUrls() {
    }

    /** {@code nfs://HOST/EXPORT?nfsport=N&mountport=M&version=3}. */
    public static String libnfs(InetAddress host, String export, int nfsPort, int mountPort) {
        return "nfs://" + Addresses.urlHost(host) + encodePath(export) + "?nfsport=" + nfsPort + "&mountport=" + mountPort
                + "&version=3";
    }

    /** {@code mount -t nfs -o vers=3,proto=tcp,port=N,mountport=M,nolock HOST:EXPORT /mnt}. */
    public static String mountCommand(InetAddress host, String export, int nfsPort, int mountPort) {
        return "mount -t nfs -o vers=3,proto=tcp,port=" + nfsPort + ",mountport=" + mountPort + ",nolock "
                + Addresses.urlHost(host) + ":" + shellWord(export) + " /mnt";
    }

    /** {@code http://HOST:PORT/metrics}. */
    public static String metrics(InetSocketAddress address) {
        return "http://" + Addresses.urlHost(Addresses.dialable(address.getAddress())) + ":" + address.getPort()
                + "/metrics";
    }

    private static String encodePath(String path) {
        StringBuilder b = new StringBuilder();
        for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }

    private static String shellWord(String s) {
        if (s.matches("[A-Za-z0-9_./-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
