package org.echofs.cli;

import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.ProcessControl;
import org.echofs.cli.node.RunFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code echofs down}: stops the gateway recorded in the data directory (SIGTERM, then SIGKILL
 * after the grace period) and removes its run files. Succeeds when nothing runs.
 */
@Command(name = "down", mixinStandardHelpOptions = true, description = {
        "Stop what 'echofs up' started in DIR: SIGTERM, then SIGKILL after the timeout.",
        "Succeeds (exit 0) when nothing is running."})
final class DownCommand implements Callable<Integer> {

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DataDir.DEFAULT,
            description = "Data directory (default: ${DEFAULT-VALUE}, relative to the current directory).")
    Path dir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", converter = Flags.Seconds.class,
            description = "How long to wait after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    DownCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException, CliException {
        PrintWriter out = spec.commandLine().getOut();
        DataDir data = new DataDir(env.resolve(dir));
        RunFiles run = new RunFiles(data);
        OptionalLong pid = run.readPid();
        if (pid.isEmpty()) {
            run.clear();
            out.println("echofs: no gateway is running in " + data.root());
            out.flush();
            return 0;
        }
        Optional<ProcessHandle> process = ProcessControl.live(pid.getAsLong());
        if (process.isEmpty()) {
            run.clear();
            out.println("echofs: the gateway (pid " + pid.getAsLong() + ") is not running; removed its run files");
            out.flush();
            return 0;
        }
        if (!ProcessControl.isGatewayOf(process.get(), data.config())) {
            run.clear();
            out.println("echofs: pid " + pid.getAsLong() + " is not the gateway of " + data.root() + " (it runs: "
                    + ProcessControl.describe(process.get()) + "); left it alone and removed the stale pid file");
            out.flush();
            return 0;
        }
        out.println("echofs: stopping the gateway (pid " + pid.getAsLong() + ")");
        out.flush();
        ProcessControl.Stopped stopped = ProcessControl.stop(process.get(), Duration.ofSeconds(timeoutSeconds),
                Duration.ofSeconds(10));
        switch (stopped) {
            case TERMINATED -> out.println("echofs: stopped");
            case KILLED -> out.println("echofs: it did not stop within " + timeoutSeconds + " s; killed it");
            default -> throw new CliException(1, "pid " + pid.getAsLong() + " is still alive after SIGKILL");
        }
        run.clear();
        out.flush();
        return 0;
    }
}
