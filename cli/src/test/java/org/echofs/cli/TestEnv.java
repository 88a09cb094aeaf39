package org.echofs.cli;

import org.echofs.cli.node.GatewayLauncher;
import org.echofs.storage.SystemClock;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** Environments and child processes for command tests. */
final class TestEnv {

    private TestEnv() {
    }

    /** Commands run in {@code cwd}; gateways are {@link FakeGateway}s in the given mode. */
    static CliEnvironment withFakeGateway(Path cwd, String mode) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Dfake.mode=" + mode, "-cp",
                System.getProperty("java.class.path"), FakeGateway.class.getName());
        return new CliEnvironment(new SystemClock(), new GatewayLauncher(command, GatewayLauncher.findOnPath("setsid")),
                new SecureRandom(), cwd);
    }

    /** Commands run in {@code cwd}; launching a gateway is not expected. */
    static CliEnvironment in(Path cwd) {
        return withFakeGateway(cwd, "exit");
    }

    /**
     * A live child process whose command line looks like the gateway of {@code config}
     * ({@code bash -c SCRIPT gateway --config CONFIG}); it waits on its stdin for 60 s.
     */
    static Process fakeGatewayProcess(Path config, boolean ignoreTerm) throws IOException {
        String script = (ignoreTerm ? "trap '' TERM; " : "") + "echo ready; read -r -t 60 _ || true";
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "gateway", "--config", config.toString()));
        Process p = new ProcessBuilder(cmd).start();
        awaitReady(p);
        return p;
    }

    /** Waits until the child printed its first line (its signal set-up is done by then). */
    static void awaitReady(Process p) throws IOException {
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        if (!"ready".equals(line)) {
            throw new IOException("child did not start: " + line);
        }
    }

    /** A pid that belonged to a process that has exited. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
