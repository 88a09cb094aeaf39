package org.echofs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    @TempDir
    Path tmp;

    private CliRun run(String... args) {
        return CliRun.run(TestEnv.in(tmp), args);
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        CliRun r = run();
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Usage: echofs"), r.toString());
        for (String command : new String[] {"up", "down", "status", "gateway", "fsck"}) {
            assertTrue(r.err().contains("  " + command + " "), command);
        }
    }

    @Test
    void helpAndVersionExit0() {
        CliRun help = run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Usage: echofs"), help.toString());
        CliRun version = run("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("echofs "), version.toString());
        CliRun upHelp = run("up", "--help");
        assertEquals(0, upHelp.exit());
        assertTrue(upHelp.out().contains("--standalone"), upHelp.toString());
    }

    @Test
    void unknownOptionExits2WithUsage() {
        CliRun top = run("--frobnicate");
        assertEquals(2, top.exit(), top.toString());
        assertTrue(top.err().contains("Unknown option: '--frobnicate'"), top.toString());
        assertTrue(top.err().contains("Usage: echofs"), top.toString());

        CliRun sub = run("up", "--standalone", "--nfsport", "1");
        assertEquals(2, sub.exit(), sub.toString());
        assertTrue(sub.err().contains("Unknown option"), sub.toString());
        assertTrue(sub.err().contains("Usage: echofs up"), sub.toString());
        assertFalse(Files.exists(tmp.resolve("var")), "nothing may be created on a usage error");
    }

    @Test
    void unknownCommandExits2() {
        CliRun r = run("storage");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Unmatched argument"), r.toString());
    }

    @Test
    void upWithoutStandaloneExplainsAndExits2() {
        CliRun r = run("up");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("echofs up: the replicated cluster mode (witness and two storage servers) is not available yet; "
                + "use 'echofs up --standalone' for one gateway with embedded storage\n", r.err());
        assertFalse(Files.exists(tmp.resolve("var")));
    }

    @Test
    void badFlagValuesExit2() {
        CliRun port = run("up", "--standalone", "--nfs-port", "70000");
        assertEquals(2, port.exit(), port.toString());
        assertTrue(port.err().contains("'70000' is not a port (0 to 65535)"), port.toString());
        CliRun bind = run("up", "--standalone", "--bind", "localhost");
        assertEquals(2, bind.exit(), bind.toString());
        assertTrue(bind.err().contains("'localhost' is not an IP address"), bind.toString());
        CliRun timeout = run("down", "--timeout", "0");
        assertEquals(2, timeout.exit(), timeout.toString());
    }

    @Test
    void gatewayNeedsConfig() {
        CliRun r = run("gateway");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Missing required option: '--config=FILE'"), r.toString());
    }

    @Test
    void badConfigPrintsOnlyFileLineMessagesAndExits2() throws Exception {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, "bind: 127.0.0.1\nnfsport: 2049\nnfs:\n  port: x\n");
        CliRun r = run("gateway", "--config", config.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals(config + ":2: unknown key 'nfsport' (expected one of: dir, bind, exports, nfs, portmap, "
                + "metrics, storage, rpc, jvm)\n" + config + ":4: nfs.port must be a whole number, not 'x'\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void printConfigShowsTheEffectiveConfiguration() throws Exception {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, "# mine\nnfs:\n  port: 3049\nstorage:\n  capacity: 2GiB\n");
        CliRun r = run("gateway", "--config", config.toString(), "--print-config", "--metrics-port", "9100",
                "--portmap");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\n  port: 3049 "), r.out());
        assertTrue(r.out().contains("\n  capacity: 2GiB "), r.out());
        assertTrue(r.out().contains("\n  port: 9100 "), r.out());
        assertTrue(r.out().contains("\n  enabled: true "), r.out());
        assertTrue(r.out().contains("\nexports: exports "), r.out());
        assertEquals("# mine\nnfs:\n  port: 3049\nstorage:\n  capacity: 2GiB\n", Files.readString(config));
    }

    @Test
    void noPortmapTurnsOffWhatTheFileTurnsOn() throws Exception {
        Path config = tmp.resolve("gateway.yaml");
        Files.writeString(config, "portmap:\n  enabled: true\n");
        CliRun on = run("gateway", "--config", config.toString(), "--print-config");
        assertTrue(on.out().contains("\n  enabled: true "), on.out());
        CliRun off = run("gateway", "--config", config.toString(), "--print-config", "--no-portmap");
        assertEquals(0, off.exit(), off.toString());
        assertTrue(off.out().contains("\n  enabled: false "), off.out());
    }
}
