package org.echofs.cli;

import org.echofs.cli.config.ConfigException;
import org.echofs.cli.config.ConfigLoader;
import org.echofs.cli.config.ConfigWriter;
import org.echofs.cli.config.GatewayConfig;
import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.GatewayInfo;
import org.echofs.cli.node.ProcessControl;
import org.echofs.cli.node.RunFiles;
import org.echofs.cli.node.StandaloneGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code echofs gateway --config FILE}: runs the standalone gateway in the foreground until
 * SIGTERM or SIGINT. Once serving it writes {@code run/gateway.pid} and {@code run/gateway.json};
 * a shutdown hook closes the server, the storage engine and the metrics endpoint and removes the
 * run files.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = {
        "Run the standalone gateway (NFSv3 + MOUNT, storage embedded) in the foreground.",
        "Logs go to stdout. SIGTERM or Ctrl-C shuts it down cleanly.",
        "The flags override the configuration file."})
final class GatewayCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayCommand.class);

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "The gateway.yaml to run.")
    Path config;

    @Option(names = "--print-config", description = "Print the effective configuration (file + flags) and exit.")
    boolean printConfig;

    @Mixin
    OverrideFlags flags;

    GatewayCommand(CliEnvironment env) {
        this.env = env;
    }

    /** The configuration file with the flags applied. */
    GatewayConfig effectiveConfig() throws ConfigException {
        return flags.toOverrides(env).applyTo(ConfigLoader.load(config));
    }

    @Override
    public Integer call() throws ConfigException, IOException, CliException, InterruptedException {
        GatewayConfig effective = effectiveConfig();
        if (printConfig) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(ConfigWriter.render(effective));
            out.flush();
            return 0;
        }
        DataDir data = new DataDir(effective.dir());
        RunFiles run = new RunFiles(data);
        long self = ProcessHandle.current().pid();
        OptionalLong recorded = run.readPid();
        if (recorded.isPresent() && recorded.getAsLong() != self) {
            Optional<ProcessHandle> other = ProcessControl.live(recorded.getAsLong());
            if (other.isPresent() && ProcessControl.isGatewayOf(other.get(), data.config())) {
                throw new CliException(1, "another gateway (pid " + recorded.getAsLong() + ") is running in "
                        + data.root());
            }
        }
        data.create();

        StandaloneGateway gateway = new StandaloneGateway(effective, env.clock());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("shutting down");
            gateway.close();
            try {
                run.clearIfOwnedBy(self);
            } catch (IOException e) {
                LOG.warn("cannot remove the run files: {}", e.toString());
            }
            LOG.info("stopped");
            stopped.countDown();
        }, "echofs-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        StandaloneGateway.Endpoints endpoints;
        try {
            endpoints = gateway.start();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new CliException(1, "cannot start: " + e.getMessage(), e);
        }
        GatewayInfo info = GatewayInfo.of(self, endpoints.nfs(), endpoints.firstExport(), endpoints.portmap(),
                endpoints.metrics(), data.root().toString(),
                Instant.ofEpochSecond(0, env.clock().wallNanos()).toString());
        run.writePid(self);
        run.writeInfo(info);
        LOG.info("serving {} (mount: {}); metrics at {}", info.url(), info.mount(), info.metrics());
        stopped.await();
        return 0;
    }
}
