package org.echofs.cli.bench;

import org.echofs.cli.config.ConfigLoader;
import org.echofs.cli.node.ClusterSecret;
import org.echofs.cli.node.StandaloneGateway;
import org.echofs.storage.SystemClock;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone gateway built by the production composition root inside the test JVM: a fresh
 * data directory, NFS and MOUNT on an ephemeral port of 127.0.0.1, its Prometheus endpoint on
 * another, export /export open to 127.0.0.1 as root.
 */
final class InProcessGateway implements AutoCloseable {

    private static final Pattern COUNT = Pattern.compile("(?m)^nfs_([A-Z]+)_count ([0-9.Ee+]+)$");

    private final StandaloneGateway gateway;
    private final StandaloneGateway.Endpoints endpoints;

    private InProcessGateway(StandaloneGateway gateway, StandaloneGateway.Endpoints endpoints) {
        this.gateway = gateway;
        this.endpoints = endpoints;
    }

    static InProcessGateway start(Path parent) throws Exception {
        Path dir = Files.createTempDirectory(parent, "gw");
        Files.writeString(dir.resolve("exports"), "/export -id=1,rw 127.0.0.1(rw,no_root_squash,insecure)\n");
        ClusterSecret.ensure(dir.resolve("cluster.secret"), new SecureRandom());
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "dir: .\nbind: 127.0.0.1\nexports: exports\nnfs:\n  port: 0\n"
                + "metrics:\n  port: 0\n  jmx: false\nstorage:\n  capacity: 1GiB\n");
        StandaloneGateway gateway = new StandaloneGateway(ConfigLoader.load(config), new SystemClock());
        return new InProcessGateway(gateway, gateway.start());
    }

    String url() {
        int port = endpoints.nfs().getPort();
        return "nfs://127.0.0.1/export?nfsport=" + port + "&mountport=" + port + "&version=3";
    }

    URI metrics() {
        return URI.create("http://127.0.0.1:" + endpoints.metrics().getPort() + "/metrics");
    }

    /** How many calls of each NFS procedure the gateway has answered so far (its nfs.PROC timers). */
    Map<String, Long> nfsCounts() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Long> out = new HashMap<>();
        Matcher m = COUNT.matcher(r.body());
        while (m.find()) out.put(m.group(1), (long) Double.parseDouble(m.group(2)));
        return out;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
