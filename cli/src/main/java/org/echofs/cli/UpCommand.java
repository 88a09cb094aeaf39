package org.echofs.cli;

import org.echofs.cli.config.Addresses;
import org.echofs.cli.config.ConfigException;
import org.echofs.cli.config.ConfigLoader;
import org.echofs.cli.config.ConfigOverrides;
import org.echofs.cli.config.ConfigWriter;
import org.echofs.cli.config.GatewayConfig;
import org.echofs.cli.config.JvmOptions;
import org.echofs.cli.node.ClusterSecret;
import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.GatewayInfo;
import org.echofs.cli.node.ProcessControl;
import org.echofs.cli.node.Readiness;
import org.echofs.cli.node.RpcPing;
import org.echofs.cli.node.RunFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code echofs up --standalone}: prepares the data directory, starts the gateway in the
 * background and returns once its NFS port answers, printing how to reach it.
 */
@Command(name = "up", mixinStandardHelpOptions = true, description = {
        "Start echofs in the background and wait until the export answers.",
        "Today only --standalone exists: one gateway process with its storage embedded. DIR keeps the "
                + "configuration (gateway.yaml), exports file, cluster secret, volume, logs and run files. "
                + "The first run writes gateway.yaml from the defaults and these flags; later runs leave "
                + "it as it is and apply the flags on top of it."})
final class UpCommand implements Callable<Integer> {

    /** How many lines of the gateway's log a failure shows. */
    static final int LOG_TAIL_LINES = 30;

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Option(names = "--standalone", description = "One gateway process with embedded storage (the only mode so far).")
    boolean standalone;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DataDir.DEFAULT,
            description = "Data directory (default: ${DEFAULT-VALUE}, relative to the current directory).")
    Path dir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", converter = Flags.Seconds.class,
            description = "How long to wait for the export to answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--heap", paramLabel = "SIZE", converter = Flags.Heap.class,
            description = "Maximum heap of the gateway's JVM, e.g. 512MiB, 1GiB or 768m (config: jvm.max-heap; "
                    + "default 512MiB).")
    Long heap;

    @Mixin
    OverrideFlags flags;

    UpCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws CliException, ConfigException, IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!standalone) {
            throw new CliException(Main.USAGE, "the replicated cluster mode (witness and two storage servers) is not "
                    + "available yet; use 'echofs up --standalone' for one gateway with embedded storage");
        }
        DataDir data = new DataDir(env.resolve(dir));
        ConfigOverrides overrides = flags.toOverrides(env);
        data.create();
        RunFiles run = new RunFiles(data);

        Optional<ProcessHandle> running = runningGateway(run, data);
        if (running.isPresent()) {
            long pid = running.get().pid();
            out.println("echofs: the standalone gateway is already running (pid " + pid + ")");
            if (!overrides.isEmpty() || heap != null) {
                out.println("  (flags ignored: run 'echofs down --dir " + data.root() + "' first to apply them)");
            }
            run.readInfoOf(pid).ifPresent(info -> printEndpoints(out, info, data));
            out.flush();
            return 0;
        }

        GatewayConfig config = prepare(data, overrides);
        checkPortsFree(config);
        ClusterSecret.ensure(data.secret(), env.random());
        run.clear();

        long logStart = Files.exists(data.gatewayLog()) ? Files.size(data.gatewayLog()) : 0;
        Process process = env.launcher().launch(data, data.config(), overrides.toArgs(), config.jvm().maxHeap());
        run.writePid(process.pid());

        Readiness.Result result = new Readiness(env.clock(), new RpcPing(Duration.ofSeconds(2)))
                .await(process.toHandle(), run, Duration.ofSeconds(timeoutSeconds));
        switch (result.state()) {
            case SERVING -> {
                GatewayInfo info = result.info().orElseThrow();
                out.println("echofs: the standalone gateway is serving (pid " + info.pid() + ")");
                printEndpoints(out, info, data);
                out.flush();
                return 0;
            }
            case EXITED -> {
                run.clearIfOwnedBy(process.pid());
                throw new CliException(1, "the gateway exited with status " + exitValue(process)
                        + " before it served; the end of " + data.gatewayLog() + ":\n" + logTail(data, logStart));
            }
            default -> {
                ProcessControl.stop(process.toHandle(), Duration.ofSeconds(10), Duration.ofSeconds(5));
                run.clearIfOwnedBy(process.pid());
                throw new CliException(1, "the gateway did not answer within " + timeoutSeconds + " s ("
                        + result.detail() + "); it was stopped. The end of " + data.gatewayLog() + ":\n"
                        + logTail(data, logStart));
            }
        }
    }

    /** The gateway recorded in {@code run/gateway.pid}, if that process is alive and is it. */
    static Optional<ProcessHandle> runningGateway(RunFiles run, DataDir data) {
        OptionalLong pid = run.readPid();
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return ProcessControl.live(pid.getAsLong()).filter(p -> ProcessControl.isGatewayOf(p, data.config()));
    }

    /**
     * Writes the exports file and gateway.yaml when missing, then reads the configuration back
     * with the flags applied, exactly as the gateway process will.
     */
    private GatewayConfig prepare(DataDir data, ConfigOverrides overrides) throws IOException, ConfigException,
            CliException {
        if (overrides.exports() != null && !Files.isRegularFile(overrides.exports())) {
            throw new CliException(Main.USAGE, "--exports: no such file: " + overrides.exports());
        }
        if (overrides.exports() == null && !Files.exists(data.exports())) {
            Files.writeString(data.exports(), DefaultFiles.exports(), StandardCharsets.UTF_8);
        }
        if (!Files.exists(data.config())) {
            GatewayConfig first = withHeap(overrides.applyTo(GatewayConfig.defaults(data.config())));
            Files.writeString(data.config(), ConfigWriter.render(first), StandardCharsets.UTF_8);
        }
        GatewayConfig config = withHeap(overrides.applyTo(ConfigLoader.load(data.config())));
        if (!config.dir().equals(data.root())) {
            throw new CliException(Main.USAGE, data.config() + ": dir is " + config.dir() + ", but up keeps its "
                    + "run files in " + data.root() + "; set 'dir: .' there, or run the gateway by hand with "
                    + "'echofs gateway --config " + data.config() + "'");
        }
        if (!Files.isRegularFile(config.exports())) {
            throw new CliException(Main.USAGE, data.config() + ": exports file " + config.exports() + " does not exist");
        }
        return config;
    }

    private GatewayConfig withHeap(GatewayConfig config) {
        return heap == null ? config : config.withJvm(new JvmOptions(heap));
    }

    private static void checkPortsFree(GatewayConfig config) throws CliException {
        List<String> taken = new ArrayList<>();
        if (!isFree(config.bind(), config.nfs().port())) {
            taken.add("NFS port " + Addresses.literal(config.bind()) + ":" + config.nfs().port()
                    + " is in use (another NFS server? pick one with --nfs-port)");
        }
        if (!isFree(config.metrics().bind(), config.metrics().port())) {
            taken.add("metrics port " + Addresses.literal(config.metrics().bind()) + ":" + config.metrics().port()
                    + " is in use (pick one with --metrics-port, 0 = any)");
        }
        if (!taken.isEmpty()) {
            throw new CliException(1, String.join("; ", taken));
        }
    }

    /** Whether a listener could bind {@code address:port} now (port 0 is always free). */
    static boolean isFree(InetAddress address, int port) {
        if (port == 0) {
            return true;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void printEndpoints(PrintWriter out, GatewayInfo info, DataDir data) {
        out.println("  url:     " + info.url());
        out.println("  mount:   " + info.mount());
        if (info.portmapPort() != null) {
            out.println("  portmap: " + info.host() + ":" + info.portmapPort());
        }
        out.println("  metrics: " + info.metrics());
        out.println("  dir:     " + data.root());
        out.println("  log:     " + data.gatewayLog());
        out.println("  stop:    echofs down --dir " + data.root());
    }

    private static String exitValue(Process process) {
        try {
            return Integer.toString(process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** The last {@value #LOG_TAIL_LINES} lines the log got since {@code from}. */
    static String logTail(DataDir data, long from) {
        try (RandomAccessFile file = new RandomAccessFile(data.gatewayLog().toFile(), "r")) {
            long length = file.length();
            long start = Math.max(from, length - 64 * 1024);
            byte[] bytes = new byte[(int) Math.max(0, length - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return tail.isEmpty() ? "  (the log is empty)" : "  | " + String.join("\n  | ", tail);
        } catch (IOException e) {
            return "  (cannot read the log: " + e.getMessage() + ")";
        }
    }
}
