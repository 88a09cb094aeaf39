package org.echofs.cli.node;

import org.echofs.cli.config.Addresses;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What a serving gateway writes to {@code run/gateway.json}: who it is, where it listens, and how
 * to reach it. {@code up} waits for it and prints from it; {@code status} reports it. Immutable.
 *
 * @param pid         the gateway process
 * @param host        the address clients dial (the bind address, or loopback for a wildcard bind)
 * @param nfsPort     NFS v3 port
 * @param mountPort   MOUNT v3 port (the same port today)
 * @param portmapPort the embedded portmapper's port, or null when it is not running
 * @param metricsPort the Prometheus endpoint's port
 * @param export      the first export's path, used in the URL and mount command
 * @param url         libnfs URL of the first export
 * @param mount       Linux mount command for the first export
 * @param metrics     URL of the Prometheus endpoint
 * @param dir         the data directory
 * @param started     when it began serving (ISO-8601)
 */
public record GatewayInfo(long pid, String host, int nfsPort, int mountPort, Integer portmapPort, int metricsPort,
                          String export, String url, String mount, String metrics, String dir, String started) {

    /** Builds the record, deriving host, URL, mount command and metrics URL. */
    public static GatewayInfo of(long pid, InetSocketAddress nfs, String export, InetSocketAddress portmap,
                                 InetSocketAddress metricsAddress, String dir, String started) {
        InetAddress host = Addresses.dialable(nfs.getAddress());
        int port = nfs.getPort();
        return new GatewayInfo(pid, Addresses.literal(host), port, port, portmap == null ? null : portmap.getPort(),
                metricsAddress.getPort(), export, NfsUrls.libnfs(host, export, port, port),
                NfsUrls.mountCommand(host, export, port, port), NfsUrls.metrics(metricsAddress), dir, started);
    }

    /** Where an NFS client connects. */
    public InetSocketAddress nfsAddress() {
        return new InetSocketAddress(Addresses.parse(host), nfsPort);
    }
}
