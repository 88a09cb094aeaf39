package org.echofs.cli;

import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.RunFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DownCommandTest {

    @TempDir
    Path tmp;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private DataDir dir() {
        return new DataDir(tmp.resolve("var/echofs"));
    }

    @Test
    void nothingRunningIsSuccessEveryTime() {
        for (int i = 0; i < 2; i++) {
            CliRun r = CliRun.run(TestEnv.in(tmp), "down");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("no gateway is running"), r.toString());
        }
    }

    @Test
    void deadPidIsCleanedUp() throws Exception {
        RunFiles run = new RunFiles(dir());
        run.writePid(TestEnv.deadPid());
        Files.writeString(dir().infoFile(), "{}");
        CliRun r = CliRun.run(TestEnv.in(tmp), "down");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(Files.exists(dir().pidFile()));
        assertFalse(Files.exists(dir().infoFile()));
        assertEquals(0, CliRun.run(TestEnv.in(tmp), "down").exit());
    }

    @Test
    void aRecycledPidOfAnotherProgramIsLeftAlone() throws Exception {
        Process other = new ProcessBuilder("sleep", "60").start();
        children.add(other);
        new RunFiles(dir()).writePid(other.pid());
        CliRun r = CliRun.run(TestEnv.in(tmp), "down");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("is not the gateway of"), r.toString());
        assertTrue(other.isAlive());
        assertFalse(Files.exists(dir().pidFile()));
    }

    @Test
    void stopsTheGatewayWithSigterm() throws Exception {
        Process gateway = TestEnv.fakeGatewayProcess(dir().config(), false);
        children.add(gateway);
        new RunFiles(dir()).writePid(gateway.pid());
        CliRun r = CliRun.run(TestEnv.in(tmp), "down", "--dir", "var/echofs");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("stopping the gateway (pid " + gateway.pid() + ")"), r.toString());
        assertTrue(r.out().contains("echofs: stopped"), r.toString());
        assertTrue(gateway.waitFor(10, TimeUnit.SECONDS));
        assertEquals(128 + 15, gateway.exitValue());
        assertFalse(Files.exists(dir().pidFile()));
        assertEquals(0, CliRun.run(TestEnv.in(tmp), "down").exit());
    }

    @Test
    void killsAGatewayThatIgnoresSigterm() throws Exception {
        Process gateway = TestEnv.fakeGatewayProcess(dir().config(), true);
        children.add(gateway);
        new RunFiles(dir()).writePid(gateway.pid());
        CliRun r = CliRun.run(TestEnv.in(tmp), "down", "--timeout", "1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("did not stop within 1 s; killed it"), r.toString());
        assertTrue(gateway.waitFor(10, TimeUnit.SECONDS));
        assertEquals(128 + 9, gateway.exitValue());
        assertFalse(Files.exists(dir().pidFile()));
    }
}
