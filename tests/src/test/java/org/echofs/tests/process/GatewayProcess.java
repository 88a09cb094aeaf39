package org.echofs.tests.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.echofs.gateway.rpc.RpcClient;
import org.echofs.gateway.rpc.RpcClientConfig;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real standalone gateway process, started from the packaged jar ({@code cli/target/echofs.jar})
 * with {@code java [jvm options] -jar echofs.jar gateway --config DIR/gateway.yaml}, for tests that
 * need a separate JVM: crashes ({@link #kill9()}), freezes ({@link #sigstop()}), restarts on the same
 * data directory ({@link #restart()}), a bounded heap, third-party clients.
 *
 * <p>What {@link #start(Options)} does: creates a fresh data directory under the system property
 * {@value #WORK_PROPERTY} (the pom sets it to {@code tests/target/it-work}; else java.io.tmpdir),
 * writes {@code gateway.yaml} (NFS and metrics on ephemeral ports of the bind address, 127.0.0.1 by
 * default), {@code exports} and a fresh {@code cluster.secret}, starts the process with its stdout and
 * stderr appended to {@code DIR/logs/gateway.log}, and returns once the gateway has written
 * {@code run/gateway.json} and answers an ONC RPC NULL call on its NFS port. The ports it got are
 * then pinned: {@link #restart()} serves on the same ports, so URLs and client addresses stay valid.
 * The jar is found through the system property {@value #JAR_PROPERTY} (set by the pom), else as
 * {@code ../cli/target/echofs.jar} relative to the working directory (the tests module).
 *
 * <p>Tests using it must be named {@code *IT}: they run with failsafe after the jar is packaged.
 * No process is left behind: {@link #close()} stops it (SIGTERM, then SIGKILL after a grace period),
 * and a JVM shutdown hook kills it should the test JVM exit first. {@link #close()} deletes the data
 * directory unless {@link #keepFiles()} was called (see {@link GatewayWatcher}, which does that and
 * prints the log tail when a test fails) or the system property {@value #KEEP_PROPERTY} is true.
 *
 * <p>Threads: the methods are synchronized; any thread may call them. Failures: {@link #start} and
 * {@link #restart} throw {@link IOException} when the process exits before serving or does not answer
 * within the start timeout; the message carries the end of the gateway's log.
 */
public final class GatewayProcess implements AutoCloseable {

    /** System property: path of the packaged {@code echofs.jar}. */
    public static final String JAR_PROPERTY = "echofs.jar";
    /** System property: directory under which data directories are created. */
    public static final String WORK_PROPERTY = "echofs.test.workdir";
    /** System property: true keeps every data directory (logs, volume) after close, passed or not. */
    public static final String KEEP_PROPERTY = "echofs.test.keep";
    /**
     * System property: extra JVM options (space-separated) for every gateway started, for diagnosis,
     * e.g. {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug}.
     */
    public static final String JVM_OPTIONS_PROPERTY = "echofs.test.gateway.jvm";
    /** The export of the default exports file. */
    public static final String EXPORT = "/export";
    /** The default exports file: one read-write export for 127.0.0.1, no root squash, any port. */
    public static final String DEFAULT_EXPORTS = EXPORT + " -id=1,rw 127.0.0.1(rw,no_root_squash,insecure)\n";

    private static final Duration GRACE = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(50);

    /**
     * How to start a gateway. Mutable builder; {@link GatewayProcess#start(Options)} copies what it
     * needs.
     */
    public static final class Options {
        private String name = "gateway";
        private String heap = "256m";
        private final List<String> jvmOptions = new ArrayList<>();
        private InetAddress bind = InetAddress.getLoopbackAddress();
        private String exports = DEFAULT_EXPORTS;
        private Integer portmapPort;
        private final Map<String, String> config = new LinkedHashMap<>();
        private Path dataDir;
        private Duration startTimeout = Duration.ofSeconds(60);

        /** Prefix of the data directory's name (default "gateway"). */
        public Options name(String v) { name = Objects.requireNonNull(v); return this; }

        /** The -Xmx value (default 256m); the process also gets -XX:+ExitOnOutOfMemoryError. */
        public Options heap(String v) { heap = Objects.requireNonNull(v); return this; }

        /** One more JVM option, e.g. {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug}. */
        public Options jvmOption(String v) { jvmOptions.add(Objects.requireNonNull(v)); return this; }

        /** The address NFS/MOUNT (and the portmapper, if enabled) listen on (default 127.0.0.1). */
        public Options bind(InetAddress v) { bind = Objects.requireNonNull(v); return this; }

        /** The text of the exports file (default {@link #DEFAULT_EXPORTS}). */
        public Options exports(String v) { exports = Objects.requireNonNull(v); return this; }

        /** Enables the embedded portmapper on the bind address and this port. */
        public Options portmap(int port) { portmapPort = port; return this; }

        /**
         * A configuration key of {@code gateway.yaml}, dotted as in docs/operations.md
         * ({@code rpc.max-connections}, {@code storage.capacity}...); the value is written as is.
         */
        public Options config(String dottedKey, String value) {
            config.put(Objects.requireNonNull(dottedKey), Objects.requireNonNull(value));
            return this;
        }

        /**
         * Use this data directory instead of a fresh one: created if missing; its volume, exports
         * file and cluster secret are kept (written only where missing), its {@code gateway.yaml}
         * is rewritten. It is never deleted by {@link GatewayProcess#close()}.
         */
        public Options dataDir(Path v) { dataDir = v; return this; }

        /** How long start and restart wait for the gateway to answer (default 60 s). */
        public Options startTimeout(Duration v) { startTimeout = Objects.requireNonNull(v); return this; }
    }

    private final Options options;
    private final Path jar;
    private final Path dir;
    private final boolean ownsDir;
    private final Thread killer;

    private Process process;
    private int nfsPort;
    private int metricsPort;
    private Integer portmapPort;
    private boolean frozen;
    private boolean keep;
    private boolean closed;

    /** Starts a gateway with the default {@link Options}. */
    public static GatewayProcess start() throws IOException {
        return start(new Options());
    }

    /** Starts a gateway and waits until it serves. */
    public static GatewayProcess start(Options options) throws IOException {
        Path jar = findJar();
        Path dir;
        boolean owns;
        if (options.dataDir != null) {
            dir = options.dataDir.toAbsolutePath().normalize();
            Files.createDirectories(dir);
            owns = false;
        } else {
            Path base = Path.of(System.getProperty(WORK_PROPERTY, System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            dir = Files.createTempDirectory(base.toAbsolutePath(), options.name + "-");
            owns = true;
        }
        GatewayProcess g = new GatewayProcess(options, jar, dir, owns);
        try {
            g.prepare();
            g.launch();
        } catch (IOException | RuntimeException e) {
            g.keepFiles();
            g.close();
            throw e;
        }
        return g;
    }

    private GatewayProcess(Options options, Path jar, Path dir, boolean ownsDir) {
        Options copy = new Options();
        copy.name = options.name;
        copy.heap = options.heap;
        copy.jvmOptions.addAll(options.jvmOptions);
        copy.bind = options.bind;
        copy.exports = options.exports;
        copy.portmapPort = options.portmapPort;
        copy.config.putAll(options.config);
        copy.startTimeout = options.startTimeout;
        this.options = copy;
        this.jar = jar;
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.killer = new Thread(this::killOnExit, "gateway-process-killer");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    private static Path findJar() throws IOException {
        String configured = System.getProperty(JAR_PROPERTY);
        Path jar = Path.of(configured != null ? configured : "../cli/target/echofs.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("the packaged gateway jar " + jar + " does not exist; build it first (mvn -B verify "
                    + "from the repository root packages cli before running the tests module's *IT tests)");
        }
        return jar;
    }

    // ------------------------------------------------------------------ starting

    private void prepare() throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("run"));
        Path exports = dir.resolve("exports");
        if (ownsDir || !Files.exists(exports)) {
            Files.writeString(exports, options.exports, StandardCharsets.UTF_8);
        }
        Path secret = dir.resolve("cluster.secret");
        if (!Files.exists(secret)) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            Files.write(secret, bytes);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        }
        writeConfig(0, 0);
    }

    /** Writes gateway.yaml with these ports (0 = ephemeral) and the options' extra keys. */
    private void writeConfig(int nfs, int metrics) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("dir", ".");
        keys.put("bind", options.bind.getHostAddress());
        keys.put("exports", "exports");
        keys.put("nfs.port", Integer.toString(nfs));
        keys.put("metrics.bind", options.bind.getHostAddress());
        keys.put("metrics.port", Integer.toString(metrics));
        if (options.portmapPort != null) {
            keys.put("portmap.enabled", "true");
            keys.put("portmap.port", Integer.toString(options.portmapPort));
        }
        keys.putAll(options.config);
        Files.writeString(dir.resolve("gateway.yaml"), renderYaml(keys), StandardCharsets.UTF_8);
    }

    /** Dotted keys as two-level YAML: top-level scalars first, then one block per section. */
    static String renderYaml(Map<String, String> keys) {
        StringBuilder top = new StringBuilder("# written by the tests' GatewayProcess\n");
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        keys.forEach((k, v) -> {
            int dot = k.indexOf('.');
            if (dot < 0) {
                top.append(k).append(": ").append(v).append('\n');
            } else {
                sections.computeIfAbsent(k.substring(0, dot), s -> new StringBuilder())
                        .append("  ").append(k.substring(dot + 1)).append(": ").append(v).append('\n');
            }
        });
        sections.forEach((s, body) -> top.append(s).append(":\n").append(body));
        return top.toString();
    }

    /** The command line of the gateway process. */
    public synchronized List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + options.heap);
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.addAll(options.jvmOptions);
        for (String o : System.getProperty(JVM_OPTIONS_PROPERTY, "").trim().split("\\s+")) {
            if (!o.isEmpty()) cmd.add(o);
        }
        cmd.addAll(List.of("-jar", jar.toString(), "gateway", "--config", dir.resolve("gateway.yaml").toString()));
        return cmd;
    }

    private void launch() throws IOException {
        appendLog("---- test fixture: starting " + String.join(" ", command()));
        ProcessBuilder b = new ProcessBuilder(command())
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectErrorStream(true);
        process = b.start();
        frozen = false;
        awaitServing();
    }

    private void awaitServing() throws IOException {
        long deadline = System.nanoTime() + options.startTimeout.toNanos();
        Path info = dir.resolve("run").resolve("gateway.json");
        ObjectMapper json = new ObjectMapper();
        boolean portsKnown = false;
        String lastProblem = "no run/gateway.json yet";
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("gateway (pid " + process.pid() + ") exited with status " + process.exitValue()
                        + " before serving; " + dir + "\n" + logTail(40));
            }
            if (!portsKnown && Files.exists(info)) {
                try {
                    JsonNode n = json.readTree(info.toFile());
                    if (n.path("pid").asLong() == process.pid()) {
                        nfsPort = n.path("nfsPort").asInt();
                        metricsPort = n.path("metricsPort").asInt();
                        portmapPort = n.path("portmapPort").isNumber() ? n.path("portmapPort").asInt() : null;
                        portsKnown = true;
                    }
                } catch (IOException e) {
                    lastProblem = "run/gateway.json unreadable (being written?): " + e.getMessage();
                }
            }
            if (portsKnown) {
                try {
                    if (RawNfs.ping(nfsAddress(), Duration.ofSeconds(2))) {
                        writeConfig(nfsPort, metricsPort); // pin the ports for restarts
                        return;
                    }
                    lastProblem = "NULL call not answered";
                } catch (IOException e) {
                    lastProblem = "NULL call failed: " + e.getMessage();
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("gateway (pid " + process.pid() + ") did not serve within "
                        + options.startTimeout + " (" + lastProblem + "); " + dir + "\n" + logTail(40));
            }
            waitForExit(POLL);
        }
    }

    /** Waits until the process exits or the time is up; true if it has exited. */
    private boolean waitForExit(Duration d) {
        try {
            process.onExit().get(d.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    // ------------------------------------------------------------------ where it serves

    /** The process id of the running (or last) gateway process. */
    public synchronized long pid() { return process.pid(); }

    /** The current process (changes with {@link #restart()}). */
    public synchronized Process process() { return process; }

    public synchronized boolean isAlive() { return process.isAlive(); }

    /** The NFS v3 + MOUNT v3 port (stable across restarts). */
    public synchronized int nfsPort() { return nfsPort; }

    public synchronized InetSocketAddress nfsAddress() { return new InetSocketAddress(options.bind, nfsPort); }

    /** The address NFS, MOUNT and the portmapper listen on. */
    public InetAddress bindAddress() { return options.bind; }

    /** The embedded portmapper's port, or null when not enabled or its port could not be bound. */
    public synchronized Integer portmapPort() { return portmapPort; }

    public synchronized int metricsPort() { return metricsPort; }

    /** The Prometheus endpoint, {@code http://ADDR:PORT/metrics}. */
    public synchronized URI metricsUrl() {
        return URI.create("http://" + options.bind.getHostAddress() + ":" + metricsPort + "/metrics");
    }

    /** Reads the Prometheus endpoint now. */
    public Prometheus.Sample metrics() throws IOException {
        return Prometheus.scrape(metricsUrl(), Duration.ofSeconds(10));
    }

    /** The libnfs URL of the export: {@code nfs://ADDR/export?nfsport=N&mountport=N&version=3}. */
    public String url() { return url(""); }

    /** The libnfs URL of {@code path} below the export ("" for the export itself; no leading slash). */
    public synchronized String url(String path) {
        String p = path.isEmpty() ? EXPORT : EXPORT + "/" + path;
        return "nfs://" + options.bind.getHostAddress() + p + "?nfsport=" + nfsPort + "&mountport=" + nfsPort
                + "&version=3";
    }

    /** The data directory (gateway.yaml, exports, cluster.secret, volume/, logs/, run/). */
    public Path dataDir() { return dir; }

    /** The gateway's log (stdout and stderr of every process started in this directory). */
    public Path logFile() { return dir.resolve("logs").resolve("gateway.log"); }

    /** A new RPC client connected to the NFS port (the caller closes it). */
    public RpcClient connect(Duration callTimeout) throws IOException {
        return RpcClient.connect(nfsAddress(), RpcClientConfig.defaults().withCallTimeout(callTimeout));
    }

    /** The last {@code lines} lines of the log (all of it if shorter), reading at most its last 256 KiB. */
    public String logTail(int lines) {
        Path log = logFile();
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 256 * 1024);
            byte[] b = new byte[n];
            f.seek(len - n);
            f.readFully(b);
            String[] all = new String(b, StandardCharsets.UTF_8).split("\n", -1);
            int from = Math.max(0, all.length - lines - 1);
            return "---- last lines of " + log + "\n" + String.join("\n", List.of(all).subList(from, all.length));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    // ------------------------------------------------------------------ signals

    /** SIGKILL: the process dies at once, nothing is flushed or closed. Waits until it is gone. */
    public synchronized void kill9() {
        appendLog("---- test fixture: SIGKILL to pid " + process.pid());
        process.destroyForcibly();
        waitForExit(GRACE);
        frozen = false;
    }

    /** SIGSTOP: freezes the process (its sockets stay open, nothing answers) until {@link #sigcont()}. */
    public synchronized void sigstop() throws IOException {
        signal("STOP");
        frozen = true;
    }

    /** SIGCONT: resumes a process frozen by {@link #sigstop()}. */
    public synchronized void sigcont() throws IOException {
        signal("CONT");
        frozen = false;
    }

    private void signal(String name) throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("gateway pid " + process.pid() + " is not running");
        }
        Process kill = new ProcessBuilder("sh", "-c", "kill -s " + name + " " + process.pid())
                .redirectErrorStream(true).start();
        try {
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill -s " + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted sending SIG" + name, e);
        }
    }

    /**
     * Stops the gateway cleanly: SIGTERM (after SIGCONT if it is frozen), SIGKILL if it has not exited
     * after 20 s. Returns its exit status (143 after a clean SIGTERM shutdown). No-op if not running.
     */
    public synchronized int stop() {
        if (process.isAlive()) {
            try {
                if (frozen) {
                    sigcont();
                }
            } catch (IOException e) {
                // It will get SIGKILL below if SIGTERM cannot be delivered.
            }
            appendLog("---- test fixture: SIGTERM to pid " + process.pid());
            process.destroy();
            if (!waitForExit(GRACE)) {
                appendLog("---- test fixture: still alive after " + GRACE + "; SIGKILL");
                process.destroyForcibly();
                waitForExit(GRACE);
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * Starts the gateway again on the same data directory and the same ports, after stopping it
     * cleanly if it still runs (use {@link #kill9()} first for a crash). Waits until it serves.
     */
    public synchronized void restart() throws IOException {
        if (closed) throw new IllegalStateException("closed");
        stop();
        launch();
    }

    /** Keep the data directory (and so the log) when closing; for failed tests. */
    public synchronized void keepFiles() { keep = true; }

    /**
     * Stops the process ({@link #stop()}), deletes the data directory if this fixture created it and
     * {@link #keepFiles()} was not called, and drops the shutdown hook. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (process != null) stop();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs anyway.
        }
        if (keep || !ownsDir || Boolean.getBoolean(KEEP_PROPERTY)) {
            System.err.println("gateway data directory kept: " + dir);
            return;
        }
        deleteTree(dir);
    }

    private void killOnExit() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
    }

    private void appendLog(String line) {
        try {
            Files.writeString(logFile(), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + root + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized String toString() {
        return "GatewayProcess[pid " + (process == null ? "-" : process.pid()) + ", nfs " + options.bind.getHostAddress()
                + ":" + nfsPort + ", metrics " + metricsPort + ", " + dir + "]";
    }
}
