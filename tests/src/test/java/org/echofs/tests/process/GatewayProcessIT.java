package org.echofs.tests.process;

import org.echofs.gateway.rpc.RpcClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real-process fixture against a real gateway: start, serve, freeze and thaw, crash and restart
 * on the same directory and ports (file handles stay valid), clean stop, cleanup, and a start that
 * fails with the gateway's own error in the message.
 */
class GatewayProcessIT {

    @RegisterExtension
    static final GatewayWatcher WATCH = new GatewayWatcher();

    @Test
    @Timeout(120)
    void lifecycle() throws Exception {
        GatewayProcess g = WATCH.track(GatewayProcess.start(new GatewayProcess.Options().name("lifecycle").heap("128m")));
        try {
            assertTrue(g.isAlive());
            assertTrue(g.nfsPort() > 0 && g.metricsPort() > 0, g.toString());
            assertEquals("nfs://127.0.0.1/export?nfsport=" + g.nfsPort() + "&mountport=" + g.nfsPort() + "&version=3",
                    g.url());
            assertTrue(Files.size(g.dataDir().resolve("cluster.secret")) == 32);
            assertEquals(128.0 * 1024 * 1024, g.metrics().value("jvm_memory_heap_max"), "the -Xmx given reached the process");

            byte[] root;
            try (RpcClient c = g.connect(Duration.ofSeconds(10))) {
                RawNfs.nullCall(c);
                root = RawNfs.mount(c, GatewayProcess.EXPORT);
                int[] type = new int[1];
                assertEquals(RawNfs.NFS3_OK, RawNfs.getattr(c, root, type));
                assertEquals(RawNfs.NF3DIR, type[0]);
            }

            // Frozen: the port accepts (the kernel does that) but nothing answers; thawed: it answers.
            g.sigstop();
            IOException frozen = assertThrows(IOException.class,
                    () -> RawNfs.ping(g.nfsAddress(), Duration.ofMillis(700)));
            assertTrue(frozen instanceof IOException && (frozen.getCause() instanceof TimeoutException
                    || String.valueOf(frozen.getMessage()).contains("no reply")), String.valueOf(frozen));
            g.sigcont();
            assertTrue(RawNfs.ping(g.nfsAddress(), Duration.ofSeconds(10)));

            // Crash, then restart on the same directory: same port, new pid, old handle still valid.
            long pid = g.pid();
            int port = g.nfsPort();
            g.kill9();
            assertFalse(g.isAlive());
            assertEquals(137, g.process().exitValue(), "SIGKILL");
            g.restart();
            assertNotEquals(pid, g.pid());
            assertEquals(port, g.nfsPort());
            try (RpcClient c = g.connect(Duration.ofSeconds(10))) {
                assertEquals(RawNfs.NFS3_OK, RawNfs.getattr(c, root, null), "a handle from before the crash");
                assertArrayEquals(root, RawNfs.mount(c, GatewayProcess.EXPORT));
            }

            // Clean stop: SIGTERM, exit 143, run files removed by the gateway's shutdown hook.
            assertEquals(143, g.stop());
            assertFalse(Files.exists(g.dataDir().resolve("run").resolve("gateway.json")));
            g.restart();
            assertTrue(RawNfs.ping(g.nfsAddress(), Duration.ofSeconds(10)));
        } finally {
            g.close();
        }
        assertFalse(g.isAlive());
        assertFalse(Files.exists(g.dataDir()), "the data directory of a passing test is removed");
    }

    @Test
    @Timeout(60)
    void startFailureCarriesTheGatewaysOwnError() throws IOException {
        Path base = Path.of(System.getProperty(GatewayProcess.WORK_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        Path dir = Files.createTempDirectory(base.toAbsolutePath(), "bad-exports-");
        try {
            IOException e = assertThrows(IOException.class, () -> GatewayProcess.start(new GatewayProcess.Options()
                    .dataDir(dir).exports("/export rw 127.0.0.1(rw)\n")));
            assertTrue(e.getMessage().contains("exited with status 2"), e.getMessage());
            assertTrue(e.getMessage().contains(dir.resolve("exports") + ":1: "), e.getMessage());
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
