package org.echofs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.echofs.cli.config.ConfigLoader;
import org.echofs.cli.config.GatewayConfig;
import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.ProcessControl;
import org.echofs.cli.node.RpcPing;
import org.echofs.cli.node.RunFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code up}, {@code status} and {@code down} with real detached processes: the launcher starts
 * {@link FakeGateway} (a stand-in that answers RPC NULL calls) instead of the real gateway, which
 * needs the storage and NFS modules.
 */
class UpCommandTest {

    private static final Pattern URL = Pattern.compile("url: +(nfs://127\\.0\\.0\\.1/export\\?nfsport=(\\d+)&mountport=(\\d+)&version=3)");

    @TempDir
    Path tmp;

    private DataDir dir() {
        return new DataDir(tmp.resolve("var/echofs"));
    }

    @AfterEach
    void stopWhateverRuns() {
        OptionalLong pid = new RunFiles(dir()).readPid();
        if (pid.isPresent()) {
            ProcessControl.live(pid.getAsLong()).ifPresent(p -> ProcessControl.stop(p, Duration.ofSeconds(5),
                    Duration.ofSeconds(5)));
        }
    }

    private CliRun up(String mode, String... flags) {
        String[] args = new String[flags.length + 2];
        args[0] = "up";
        args[1] = "--standalone";
        System.arraycopy(flags, 0, args, 2, flags.length);
        return CliRun.run(TestEnv.withFakeGateway(tmp, mode), args);
    }

    @Test
    void upPreparesTheDirectoryStartsDetachedAndPrintsHowToMount() throws Exception {
        CliRun r = up("serve", "--nfs-port", "0");
        assertEquals(0, r.exit(), r.toString());

        Matcher url = URL.matcher(r.out());
        assertTrue(url.find(), r.out());
        int port = Integer.parseInt(url.group(2));
        assertEquals(url.group(2), url.group(3));
        assertTrue(r.out().contains("mount -t nfs -o vers=3,proto=tcp,port=" + port + ",mountport=" + port
                + ",nolock 127.0.0.1:/export /mnt"), r.out());
        assertTrue(new RpcPing(Duration.ofSeconds(2)).pingNfs(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                port)).ok());

        DataDir d = dir();
        long pid = Long.parseLong(Files.readString(d.pidFile()).trim());
        ProcessHandle gateway = ProcessHandle.of(pid).orElseThrow();
        assertTrue(gateway.isAlive());
        assertTrue(ProcessControl.isGatewayOf(gateway, d.config()), ProcessControl.describe(gateway));
        assertTrue(Files.readString(d.gatewayLog()).contains("fake gateway " + pid), "stdout goes to the log");

        assertEquals(32, Files.size(d.secret()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.secret())));
        Path shipped = Path.of(System.getProperty("user.dir")).resolve("../conf/exports").normalize();
        assertEquals(Files.readString(shipped), Files.readString(d.exports()));
        GatewayConfig config = ConfigLoader.load(d.config());
        assertEquals(0, config.nfs().port(), "the first run writes the flags into gateway.yaml");
        assertEquals(d.root(), config.dir());

        CliRun status = CliRun.run(TestEnv.in(tmp), "status", "--json");
        assertEquals(0, status.exit(), status.toString());
        JsonNode node = new ObjectMapper().readTree(status.out()).get("nodes").get(0);
        assertEquals(pid, node.get("pid").asLong());
        assertTrue(node.get("alive").asBoolean());
        assertEquals(url.group(1), node.get("url").asText());

        CliRun again = up("serve", "--nfs-port", "0");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("already running (pid " + pid + ")"), again.out());
        assertTrue(again.out().contains("flags ignored"), again.out());
        assertTrue(again.out().contains(url.group(1)), again.out());

        CliRun down = CliRun.run(TestEnv.in(tmp), "down");
        assertEquals(0, down.exit(), down.toString());
        assertTrue(ProcessControl.awaitExit(gateway, Duration.ofSeconds(10)));
        assertFalse(Files.exists(d.pidFile()));
        assertEquals(1, CliRun.run(TestEnv.in(tmp), "status").exit());
        assertEquals(0, CliRun.run(TestEnv.in(tmp), "down").exit());
    }

    @Test
    void theGatewayJvmGetsABoundedHeapByDefaultOrTheOneConfigured() throws Exception {
        CliRun r = up("serve", "--nfs-port", "0");
        assertEquals(0, r.exit(), r.toString());
        DataDir d = dir();
        assertEquals(512L * 1024 * 1024, ConfigLoader.load(d.config()).jvm().maxHeap(), "written into gateway.yaml");
        assertTrue(Files.readString(d.config()).contains("max-heap: 512MiB"), Files.readString(d.config()));
        assertTrue(jvmArgs(d).contains("-Xmx512m"), jvmArgs(d).toString());
        assertEquals(0, CliRun.run(TestEnv.in(tmp), "down").exit());

        // The configuration file's value, then the flag on top of it.
        Files.writeString(d.config(), Files.readString(d.config()).replace("max-heap: 512MiB", "max-heap: 256MiB"));
        r = up("serve", "--nfs-port", "0");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(jvmArgs(d).contains("-Xmx256m"), jvmArgs(d).toString());
        assertEquals(0, CliRun.run(TestEnv.in(tmp), "down").exit());
        r = up("serve", "--nfs-port", "0", "--heap", "1g");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(jvmArgs(d).contains("-Xmx1024m"), jvmArgs(d).toString());
        assertTrue(Files.readString(d.config()).contains("max-heap: 256MiB"), "the flag does not rewrite the file");
    }

    @Test
    void aBadHeapIsAUsageErrorThatSaysWhy() throws Exception {
        CliRun small = up("serve", "--heap", "16m");
        assertEquals(2, small.exit(), small.toString());
        assertTrue(small.err().contains("--heap") && small.err().contains("16MiB is outside 64MiB to 1TiB"),
                small.toString());
        CliRun garbage = up("serve", "--heap", "lots");
        assertEquals(2, garbage.exit(), garbage.toString());
        assertTrue(garbage.err().contains("'lots' is not a size"), garbage.toString());

        DataDir d = dir();
        d.create();
        Files.writeString(d.config(), "jvm:\n  max-heap: 1MiB\n");
        CliRun inFile = up("serve");
        assertEquals(2, inFile.exit(), inFile.toString());
        assertTrue(inFile.err().contains("jvm.max-heap"), inFile.toString());
        assertFalse(Files.exists(d.pidFile()), "nothing was started");
    }

    private static List<String> jvmArgs(DataDir d) throws Exception {
        long pid = new RunFiles(d).readPid().orElseThrow();
        return List.of(ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow());
    }

    @Test
    void existingConfigIsKeptAndFlagsApplyOnTop() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DataDir d = dir();
            d.create();
            String mine = "# my settings\nnfs:\n  port: " + taken.getLocalPort() + "\n";
            Files.writeString(d.config(), mine);

            CliRun blocked = up("serve");
            assertEquals(1, blocked.exit(), blocked.toString());
            assertTrue(blocked.err().contains("NFS port 127.0.0.1:" + taken.getLocalPort() + " is in use"),
                    blocked.toString());

            CliRun r = up("serve", "--nfs-port", "0");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(mine, Files.readString(d.config()));
            long pid = new RunFiles(d).readPid().orElseThrow();
            List<String> args = List.of(ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow());
            assertTrue(args.contains("--nfs-port=0"), args.toString());
        }
    }

    @Test
    void badExistingConfigExits2WithFileAndLine() throws Exception {
        DataDir d = dir();
        d.create();
        Files.writeString(d.config(), "bind: 127.0.0.1\nnfsport: 1\n");
        CliRun r = up("serve");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith(d.config() + ":2: unknown key 'nfsport'"), r.toString());
        assertFalse(r.err().contains("Exception"), r.toString());
        assertFalse(Files.exists(d.pidFile()));
    }

    @Test
    void givenExportsFileIsUsedAndMissingOneIsAnError() throws Exception {
        CliRun missing = up("serve", "--exports", "nope");
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("--exports: no such file: " + tmp.resolve("nope")), missing.toString());

        Path exports = tmp.resolve("my-exports");
        Files.writeString(exports, "/data -id=7,rw 127.0.0.1(rw)\n");
        CliRun r = up("serve", "--nfs-port", "0", "--exports", "my-exports");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(exports, ConfigLoader.load(dir().config()).exports());
        assertFalse(Files.exists(dir().exports()), "no default copy when a file is given");
    }

    @Test
    void gatewayThatExitsIsReportedWithItsLog() throws Exception {
        CliRun r = up("exit", "--nfs-port", "0");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("the gateway exited with status 3 before it served"), r.toString());
        assertTrue(r.err().contains("| fake gateway failing on purpose"), r.toString());
        assertFalse(Files.exists(dir().pidFile()));
    }

    @Test
    void gatewayThatNeverAnswersIsStoppedAfterTheTimeout() throws Exception {
        CliRun r = up("silent", "--nfs-port", "0", "--timeout", "2");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("the gateway did not answer within 2 s (NFS NULL call: no reply from"),
                r.toString());
        assertTrue(r.err().contains("it was stopped"), r.toString());
        assertFalse(Files.exists(dir().pidFile()));
        Matcher pid = Pattern.compile("fake gateway (\\d+) mode silent").matcher(Files.readString(dir().gatewayLog()));
        assertTrue(pid.find());
        assertTrue(ProcessHandle.of(Long.parseLong(pid.group(1))).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void gatewayThatNeverWritesItsRecordTimesOut() throws Exception {
        CliRun r = up("nojson", "--nfs-port", "0", "--timeout", "1");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("it did not write " + dir().infoFile()), r.toString());
    }
}
