package org.echofs.cli.node;

import org.echofs.cli.config.JvmOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayLauncherTest {

    @TempDir
    Path tmp;

    @Test
    void aJarProgramRunsFromItsCopyInTheDataDirectoryWithTheHeapAfterJava() {
        DataDir dir = new DataDir(tmp.resolve("data"));
        GatewayLauncher launcher = new GatewayLauncher(
                List.of("/usr/lib/jvm/x/bin/java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/repo/cli/target/echofs.jar"),
                Optional.of(Path.of("/usr/bin/setsid")));
        Path config = dir.config();
        assertEquals(List.of("/usr/bin/setsid", "/usr/lib/jvm/x/bin/java", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
                        "-jar", dir.gatewayJar().toString(), "gateway", "--config", config.toString(), "--nfs-port=0"),
                launcher.command(dir, config, List.of("--nfs-port=0"), JvmOptions.DEFAULT_MAX_HEAP));
        assertEquals(dir.root().resolve("lib/echofs.jar"), dir.gatewayJar());
        assertEquals(Optional.of(Path.of("/repo/cli/target/echofs.jar")), launcher.programJar());
    }

    @Test
    void aClassPathProgramKeepsItsClassPath() {
        DataDir dir = new DataDir(tmp.resolve("data"));
        GatewayLauncher launcher = new GatewayLauncher(List.of("java", "-cp", "a:b", "org.echofs.cli.Main"),
                Optional.empty());
        assertEquals(List.of("java", "-Xmx1024m", "-cp", "a:b", "org.echofs.cli.Main", "gateway", "--config", "/c"),
                launcher.command(dir, Path.of("/c"), List.of(), 1024L * 1024 * 1024));
        assertEquals(Optional.empty(), launcher.programJar());
    }

    @Test
    void heapFlagsAndSizes() {
        assertEquals("-Xmx512m", JvmOptions.xmx(512L << 20));
        assertEquals("-Xmx65537k", JvmOptions.xmx((64L << 20) + 1000));
        assertEquals(768L << 20, JvmOptions.parseHeap("768m"));
        assertEquals(2L << 30, JvmOptions.parseHeap("2G"));
        assertEquals(768L << 20, JvmOptions.parseHeap("768MiB"));
        assertEquals(1_000_000_000L, JvmOptions.parseHeap("1GB"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JvmOptions.parseHeap("63m"));
        assertEquals("a maximum heap of 63MiB is outside 64MiB to 1TiB", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JvmOptions.parseHeap("2TiB"));
        assertThrows(IllegalArgumentException.class, () -> JvmOptions.parseHeap("512 apples"));
        assertThrows(IllegalArgumentException.class, () -> new JvmOptions(1));
    }

    @Test
    void launchCopiesTheJarSoThatReplacingTheOriginalCannotReachTheGateway() throws Exception {
        Path jar = tmp.resolve("build/echofs.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "first build");
        DataDir dir = new DataDir(tmp.resolve("data"));
        // A stand-in program: sh ignores the arguments after its script ($0 = -jar, $1 = the jar).
        GatewayLauncher launcher = new GatewayLauncher(List.of("sh", "-c", "echo started \"$1\"", "-jar",
                jar.toString()), Optional.empty());

        Process p = launcher.launch(dir, dir.config(), List.of(), JvmOptions.DEFAULT_MAX_HEAP);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals("first build", Files.readString(dir.gatewayJar()));
        assertTrue(Files.readString(dir.gatewayLog()).contains("started " + dir.gatewayJar()),
                Files.readString(dir.gatewayLog()));

        Object before = Files.readAttributes(dir.gatewayJar(), "unix:ino").get("ino");
        Files.writeString(jar, "second build");
        assertEquals("first build", Files.readString(dir.gatewayJar()), "the running copy is untouched");

        p = launcher.launch(dir, dir.config(), List.of(), JvmOptions.DEFAULT_MAX_HEAP);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals("second build", Files.readString(dir.gatewayJar()), "the next launch takes the new build");
        Object after = Files.readAttributes(dir.gatewayJar(), "unix:ino").get("ino");
        assertFalse(before.equals(after), "replaced by a rename, not rewritten in place");
        try (var files = Files.list(dir.gatewayJar().getParent())) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }
}
