package org.echofs.cli.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessControlTest {

    @TempDir
    Path tmp;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void kill() {
        children.forEach(Process::destroyForcibly);
    }

    private ProcessHandle start(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "read -r -t 60 _ || true"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).start();
        children.add(p);
        return p.toHandle();
    }

    @Test
    void recognisesTheGatewayOfAConfigByAbsoluteOrRelativePath() throws Exception {
        Path config = tmp.resolve("d/gateway.yaml");
        assertTrue(ProcessControl.isGatewayOf(start(tmp, "gateway", "--config", config.toString()), config));
        assertTrue(ProcessControl.isGatewayOf(start(tmp, "gateway", "--config", "d/gateway.yaml"), config));
        assertTrue(ProcessControl.isGatewayOf(start(tmp.resolve("d").toFile().mkdirs() ? tmp.resolve("d") : tmp,
                "gateway", "--config=gateway.yaml"), config));
    }

    @Test
    void otherProcessesAreNotIt() throws Exception {
        Path config = tmp.resolve("d/gateway.yaml");
        assertFalse(ProcessControl.isGatewayOf(start(tmp, "gateway", "--config", tmp.resolve("e/gateway.yaml")
                .toString()), config));
        assertFalse(ProcessControl.isGatewayOf(start(tmp, "status", "--config", config.toString()), config));
        assertFalse(ProcessControl.isGatewayOf(ProcessHandle.current(), config));
    }

    @Test
    void stopReportsHowItEnded() throws Exception {
        ProcessHandle polite = start(tmp);
        assertEquals(ProcessControl.Stopped.TERMINATED, ProcessControl.stop(polite, Duration.ofSeconds(10),
                Duration.ofSeconds(5)));
        Process stubborn = new ProcessBuilder("bash", "-c", "trap '' TERM; echo ready; read -r -t 60 _ || true").start();
        children.add(stubborn);
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(stubborn.getInputStream())).readLine();
        assertEquals("ready", line);
        assertEquals(ProcessControl.Stopped.KILLED, ProcessControl.stop(stubborn.toHandle(), Duration.ofMillis(300),
                Duration.ofSeconds(5)));
        assertFalse(stubborn.isAlive());
    }
}
