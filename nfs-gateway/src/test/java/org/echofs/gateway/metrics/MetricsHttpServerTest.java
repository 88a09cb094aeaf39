package org.echofs.gateway.metrics;

import com.codahale.metrics.MetricRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsHttpServerTest {

    private final MetricRegistry registry = new MetricRegistry();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MetricsHttpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        server = new MetricsHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry);
        address = server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, "GET");
    }

    private HttpResponse<String> get(String path, String method) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + address.getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bindsAnEphemeralPortOnLoopback() {
        assertNotEquals(0, address.getPort());
        assertTrue(address.getAddress().isLoopbackAddress());
    }

    @Test
    void servesCountersAndTimersInPrometheusTextFormat() throws Exception {
        registry.counter("nfs.requests").inc(7);
        registry.timer("nfs.GETATTR").update(3, TimeUnit.MILLISECONDS);

        HttpResponse<String> response = get("/metrics");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
                response.headers().toString());
        String body = response.body();
        assertTrue(body.contains("# TYPE nfs_requests gauge") || body.contains("# TYPE nfs_requests counter"), body);
        assertTrue(body.contains("nfs_requests 7.0"), body);
        assertTrue(body.contains("# TYPE nfs_GETATTR summary"), body);
        assertTrue(body.contains("nfs_GETATTR_count 1.0"), body);
        assertTrue(body.contains("nfs_GETATTR{quantile=\"0.5\",}"), body);
    }

    @Test
    void timersOnAnHdrReservoirExportTheirQuantilesInSeconds() throws Exception {
        HdrReservoir.timer(registry, "nfs.LOOKUP").update(3, TimeUnit.MILLISECONDS);
        String body = get("/metrics").body();
        assertTrue(body.contains("# TYPE nfs_LOOKUP summary"), body);
        assertTrue(body.contains("nfs_LOOKUP_count 1.0"), body);
        String p99 = body.lines().filter(l -> l.startsWith("nfs_LOOKUP{quantile=\"0.99\",}")).findFirst().orElseThrow();
        double seconds = Double.parseDouble(p99.substring(p99.lastIndexOf(' ') + 1));
        assertEquals(0.003, seconds, 0.000075, p99);
    }

    @Test
    void countsItsOwnRequests() throws Exception {
        get("/metrics");
        String body = get("/metrics").body();
        assertTrue(body.contains("metrics_http_requests 2.0"), body);
        assertTrue(body.contains("metrics_http_scrape_count 1.0"), body);
    }

    @Test
    void jvmGaugesAppearUnderJvmPrefix() throws Exception {
        JvmMetrics.register(registry);
        String body = get("/metrics").body();
        assertTrue(body.contains("jvm_memory_heap_used "), body);
        assertTrue(body.contains("jvm_threads_count "), body);
        assertTrue(body.lines().anyMatch(l -> l.startsWith("jvm_gc_") && l.contains("_count ")), body);
    }

    @Test
    void nameFilterLimitsTheFamilies() throws Exception {
        registry.counter("a.one").inc();
        registry.counter("b.two").inc();
        String body = get("/metrics?name[]=a_one").body();
        assertTrue(body.contains("a_one 1.0"), body);
        assertFalse(body.contains("b_two"), body);
    }

    @Test
    void otherPathsAre404() throws Exception {
        HttpResponse<String> response = get("/");
        assertEquals(404, response.statusCode());
        assertEquals(404, get("/metricsx").statusCode());
    }

    @Test
    void otherMethodsAre405() throws Exception {
        HttpResponse<String> response = get("/metrics", "DELETE");
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("allow").orElse(""));
    }

    @Test
    void headHasNoBody() throws Exception {
        registry.counter("x").inc();
        HttpResponse<String> response = get("/metrics", "HEAD");
        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void oversizedRequestIsRefusedAndTheServerKeepsServing() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", address.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String longPath = "/metrics?" + "x".repeat(10_000);
            out.write(("GET " + longPath + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[512];
            int n = in.read(buf);
            String head = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
            assertTrue(n <= 0 || head.startsWith("HTTP/1.1 4"), head);
        }
        assertEquals(200, get("/metrics").statusCode());
    }

    @Test
    void closeStopsListeningAndIsIdempotent() throws Exception {
        server.close();
        server.close();
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", address.getPort()).close());
    }

    @Test
    void startFailsClearlyWhenThePortIsTaken() {
        MetricsHttpServer second = new MetricsHttpServer(address, registry);
        IOException e = assertThrows(IOException.class, second::start);
        assertTrue(e.getMessage().contains("cannot listen for metrics"), e.getMessage());
        second.close();
    }
}
