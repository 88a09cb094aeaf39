package org.echofs.tests.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code echofs up} with the packaged jar: the gateway JVM gets the default maximum heap (or the
 * one asked for) and runs from a copy of the jar in the data directory, so that the jar it was
 * started from can be rebuilt (here: overwritten with garbage) while it serves; {@code status}
 * and {@code down} keep working.
 */
class UpLauncherIT {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static Path packagedJar() throws IOException {
        String configured = System.getProperty(GatewayProcess.JAR_PROPERTY);
        Path jar = Path.of(configured != null ? configured : "../cli/target/echofs.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) throw new IOException("no packaged jar at " + jar);
        return jar;
    }

    private record Run(int exit, String out) { }

    private static Run echofs(Path jar, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "echofs " + String.join(" ", args) + " did not end");
        return new Run(p.exitValue(), out);
    }

    @Test
    @Timeout(180)
    void upBoundsTheHeapAndRunsFromACopyOfTheJar() throws Exception {
        Path base = Path.of(System.getProperty(GatewayProcess.WORK_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        Path work = Files.createTempDirectory(base.toAbsolutePath(), "up-launcher-");
        Path jar = work.resolve("build/echofs.jar");
        Files.createDirectories(jar.getParent());
        Files.copy(packagedJar(), jar);
        Path dir = work.resolve("data");
        boolean passed = false;
        try {
            Run up = echofs(jar, "up", "--standalone", "--dir", dir.toString(), "--nfs-port", "0");
            assertEquals(0, up.exit(), up.out());
            JsonNode info = new ObjectMapper().readTree(dir.resolve("run/gateway.json").toFile());
            long pid = info.get("pid").asLong();
            ProcessHandle gateway = ProcessHandle.of(pid).orElseThrow();
            List<String> args = List.of(gateway.info().arguments().orElseThrow());
            assertTrue(args.contains("-Xmx512m"), args.toString());
            assertTrue(args.contains(dir.resolve("lib/echofs.jar").toString()), args.toString());
            URI metrics = URI.create(info.get("metrics").asText());
            assertEquals(512.0 * 1024 * 1024, Prometheus.scrape(metrics, Duration.ofSeconds(10))
                    .value("jvm_memory_heap_max"), "the default heap reached the gateway");

            // Rebuild the jar it was started from (garbage of another size): the gateway does not notice.
            Files.write(jar, new byte[12345]);
            InetSocketAddress nfs = new InetSocketAddress(info.get("host").asText(), info.get("nfsPort").asInt());
            assertTrue(RawNfs.ping(nfs, Duration.ofSeconds(10)));
            Prometheus.scrape(metrics, Duration.ofSeconds(10));
            assertTrue(gateway.isAlive());

            Run status = echofs(packagedJar(), "status", "--dir", dir.toString());
            assertEquals(0, status.exit(), status.out());
            Run down = echofs(packagedJar(), "down", "--dir", dir.toString());
            assertEquals(0, down.exit(), down.out());
            assertTrue(gateway.onExit().get(30, TimeUnit.SECONDS) != null);
            assertFalse(gateway.isAlive());

            // Again with --heap, from the packaged jar: the copy is replaced by it.
            Run again = echofs(packagedJar(), "up", "--standalone", "--dir", dir.toString(), "--nfs-port", "0",
                    "--heap", "256MiB");
            assertEquals(0, again.exit(), again.out());
            assertEquals(Files.size(packagedJar()), Files.size(dir.resolve("lib/echofs.jar")));
            info = new ObjectMapper().readTree(dir.resolve("run/gateway.json").toFile());
            assertEquals(256.0 * 1024 * 1024, Prometheus.scrape(URI.create(info.get("metrics").asText()),
                    Duration.ofSeconds(10)).value("jvm_memory_heap_max"));
            assertEquals(0, echofs(packagedJar(), "down", "--dir", dir.toString()).exit());
            passed = true;
        } finally {
            if (!passed) {
                echofs(packagedJar(), "down", "--dir", dir.toString());
            } else {
                try (Stream<Path> s = Files.walk(work)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
