package org.echofs.tests.support;

import org.echofs.cli.config.ConfigLoader;
import org.echofs.cli.config.GatewayConfig;
import org.echofs.cli.node.ClusterSecret;
import org.echofs.cli.node.StandaloneGateway;
import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcClient;
import org.echofs.gateway.rpc.RpcClientConfig;
import org.echofs.storage.SystemClock;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A standalone gateway running inside the test JVM, built by the production composition root
 * ({@link StandaloneGateway}) from a generated configuration: its own temporary data directory,
 * an ephemeral NFS port on a chosen loopback address, an exports file given by the test, and
 * optionally the embedded portmapper on port 111 of that address (for clients that insist on
 * asking a portmapper, such as the EMC nfs-client; needs root).
 */
public final class TestGateway implements AutoCloseable {

    private final Path dir;
    private final StandaloneGateway gateway;
    private final StandaloneGateway.Endpoints endpoints;
    private final List<Nfs3Client> clients = new ArrayList<>();

    private TestGateway(Path dir, StandaloneGateway gateway, StandaloneGateway.Endpoints endpoints) {
        this.dir = dir;
        this.gateway = gateway;
        this.endpoints = endpoints;
    }

    /** A builder with a fresh data directory under {@code parent}, serving on 127.0.0.1. */
    public static Builder in(Path parent) {
        return new Builder(parent);
    }

    public static final class Builder {
        private final Path parent;
        private String bind = "127.0.0.1";
        private String exports = "/export -id=1,rw 127.0.0.0/8(rw,no_root_squash,insecure)\n";
        private boolean portmap;
        private String extraYaml = "";
        private String nfsYaml = "";

        private Builder(Path parent) {
            this.parent = parent;
        }

        /** Serve on this loopback address (127.0.0.0/8). */
        public Builder bind(String address) {
            this.bind = address;
            return this;
        }

        /** The content of the exports file. */
        public Builder exports(String content) {
            this.exports = content;
            return this;
        }

        /** Also run the embedded portmapper on port 111 of the bind address. */
        public Builder portmap() {
            this.portmap = true;
            return this;
        }

        /** More YAML appended to the generated configuration (e.g. a storage section). */
        public Builder yaml(String more) {
            this.extraYaml = more;
            return this;
        }

        /**
         * More keys of the {@code nfs} section, one {@code key: value} per line without
         * indentation (e.g. {@code "rtmax: 64KiB\nwtmax: 64KiB"}); the port stays ephemeral.
         */
        public Builder nfs(String keys) {
            StringBuilder b = new StringBuilder();
            for (String line : keys.split("\n")) {
                if (!line.isBlank()) b.append("  ").append(line.strip()).append('\n');
            }
            this.nfsYaml = b.toString();
            return this;
        }

        public TestGateway start() throws Exception {
            Path dir = Files.createTempDirectory(parent, "gw");
            Files.writeString(dir.resolve("exports"), exports);
            ClusterSecret.ensure(dir.resolve("cluster.secret"), new SecureRandom());
            String yaml = "dir: .\nbind: " + bind + "\nexports: exports\nnfs:\n  port: 0\n" + nfsYaml
                    + "metrics:\n  port: 0\n  jmx: false\n"
                    + "portmap:\n  enabled: " + portmap + "\n  port: 111\n" + extraYaml;
            Path file = dir.resolve("gateway.yaml");
            Files.writeString(file, yaml);
            GatewayConfig config = ConfigLoader.load(file);
            StandaloneGateway gateway = new StandaloneGateway(config, new SystemClock());
            StandaloneGateway.Endpoints endpoints = gateway.start();
            if (portmap && endpoints.portmap() == null) {
                gateway.close();
                throw new IOException("the portmapper could not listen on " + bind + ":111");
            }
            return new TestGateway(dir, gateway, endpoints);
        }
    }

    public Path dir() { return dir; }

    /** NFS and MOUNT address. */
    public InetSocketAddress address() { return endpoints.nfs(); }

    public InetSocketAddress metricsAddress() { return endpoints.metrics(); }

    /** The libnfs URL of the first export. */
    public String url() {
        int port = address().getPort();
        return "nfs://" + address().getAddress().getHostAddress() + endpoints.firstExport() + "?nfsport=" + port
                + "&mountport=" + port + "&version=3";
    }

    /** A connected client calling as {@code credential}; closed with the gateway. */
    public synchronized Nfs3Client client(Credential credential) throws IOException {
        Nfs3Client c = Nfs3Client.connect(address(), credential);
        clients.add(c);
        return c;
    }

    /**
     * A connected client with its own connection settings (e.g. a local address to bind, for a
     * client address or a privileged source port), calling as {@code credential}; closed with
     * the gateway.
     */
    public synchronized Nfs3Client client(Credential credential, RpcClientConfig config) throws IOException {
        Nfs3Client c = new Nfs3Client(RpcClient.connect(address(), config), credential);
        clients.add(c);
        return c;
    }

    /** A client calling as root (AUTH_SYS uid 0, gid 0). */
    public Nfs3Client rootClient() throws IOException {
        return client(Nfs3Client.unix(0, 0));
    }

    @Override
    public synchronized void close() {
        for (Nfs3Client c : clients) c.close();
        clients.clear();
        gateway.close();
    }
}
