package org.echofs.cli.bench;

import org.echofs.cli.CliEnvironment;
import org.echofs.cli.CliException;
import org.echofs.cli.config.ByteSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code echofs bench}: the load generator. Measures NFSv3 servers (any, not only echofs) with
 * closed-loop load from this process's own ONC RPC client; with several servers, alternates
 * between them round after round and prints each workload's median per server and the ratio to
 * the last (the baseline). Exit status 0 when every run succeeded, 1 when a run failed or a
 * server could not be reached, 2 for bad usage.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark NFSv3 servers: ops/s, MB/s and latency percentiles per workload.",
            "TARGET is an NFS URL as libnfs writes it, nfs://HOST/PATH?nfsport=N&mountport=M&version=3 (both ports "
                    + "are required: no portmapper is asked), optionally named NAME=URL. The benchmark works in a "
                    + "fresh directory echofs-bench-* inside PATH and removes it at the end (unless --keep). "
                    + "With several targets it makes --rounds rounds, each running every workload against every "
                    + "target in turn, and prints each workload's median per target and the ratio to the last target.",
            "Workloads: getattr, lookup, stat, create, rename, remove, readdir, rand-read, rand-write, seq-read, "
                    + "seq-write (the standard set), nfs-cp-up, nfs-cp-down (libnfs's nfs-cp; 'nfs-cp' names both); "
                    + "'all' is every one. docs/performance.md defines what one op of each is."},
        footer = {"", "Example: echofs bench -w getattr,seq-write 'nfs://127.0.0.1/export?nfsport=2049&mountport=2049&version=3'",
            "         echofs bench --rounds 3 echofs=URL1 ganesha=URL2"})
public final class BenchCommand implements Callable<Integer> {

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET", arity = "1..*", description = "URL or NAME=URL of a server to measure.")
    List<String> targetArgs = new ArrayList<>();

    @Option(names = {"-w", "--workloads"}, paramLabel = "LIST", split = ",", defaultValue = "standard",
            description = "Comma-separated workloads, or 'standard', 'nfs-cp', 'all' (default: ${DEFAULT-VALUE}).")
    List<String> workloads;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1", description = "Rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-round", paramLabel = "TIME", converter = DurationConverter.class,
            description = "First run every workload against every target once (duration-bound ones for TIME), "
                    + "reported as round 0 and left out of the medians.")
    Duration warmupRound;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "4",
            description = "TCP connections per server (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = {"-d", "--depth"}, paramLabel = "M", defaultValue = "16",
            description = "Calls in flight per connection (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--io-threads", paramLabel = "N", description = "Client I/O threads (default: min(4, cores)).")
    Integer ioThreads;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s", converter = DurationConverter.class,
            description = "Measured time of each duration-bound workload, e.g. 10s, 500ms, 2m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "2s", converter = DurationConverter.class,
            description = "Unmeasured load before a duration-bound workload (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "0",
            description = "Measure this many ops per run instead of --duration (0: use --duration).")
    long ops;

    @Option(names = "--files", paramLabel = "N", defaultValue = "1000",
            description = "Files of the getattr/lookup/stat set and of the rename directory (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--remove-files", paramLabel = "N", defaultValue = "50000",
            description = "Files the remove workload creates, then removes (default: ${DEFAULT-VALUE}).")
    int removeFiles;

    @Option(names = "--dir-entries", paramLabel = "N", defaultValue = "10000",
            description = "Entries of the readdir directory (default: ${DEFAULT-VALUE}).")
    int dirEntries;

    @Option(names = "--readdir-count", paramLabel = "SIZE", defaultValue = "32KiB", converter = SizeConverter.class,
            description = "READDIR count argument (default: ${DEFAULT-VALUE}).")
    long readdirCount;

    @Option(names = "--create-size", paramLabel = "SIZE", defaultValue = "4KiB", converter = SizeConverter.class,
            description = "Bytes written into each created file (default: ${DEFAULT-VALUE}).")
    long createSize;

    @Option(names = "--seq-size", paramLabel = "SIZE", defaultValue = "1GiB", converter = SizeConverter.class,
            description = "File size of seq-write and seq-read (default: ${DEFAULT-VALUE}).")
    long seqSize;

    @Option(names = "--seq-block", paramLabel = "SIZE", defaultValue = "1MiB", converter = SizeConverter.class,
            description = "Bytes per seq-write/seq-read call, at most the server's wtmax/rtmax (default: ${DEFAULT-VALUE}).")
    long seqBlock;

    @Option(names = "--rand-size", paramLabel = "SIZE", defaultValue = "1GiB", converter = SizeConverter.class,
            description = "File size of rand-read and rand-write (default: ${DEFAULT-VALUE}).")
    long randSize;

    @Option(names = "--rand-block", paramLabel = "SIZE", defaultValue = "4KiB", converter = SizeConverter.class,
            description = "Bytes per rand-read/rand-write call (default: ${DEFAULT-VALUE}).")
    long randBlock;

    @Option(names = "--commit-every", paramLabel = "N", defaultValue = "1024",
            description = "rand-write: COMMIT after every N writes of a slot (default: ${DEFAULT-VALUE}).")
    int commitEvery;

    @Option(names = "--nfscp-size", paramLabel = "SIZE", defaultValue = "256MiB", converter = SizeConverter.class,
            description = "File size nfs-cp copies up and down (default: ${DEFAULT-VALUE}).")
    long nfscpSize;

    @Option(names = "--nfscp-copies", paramLabel = "N", defaultValue = "5",
            description = "Copies per nfs-cp run, one after the other (default: ${DEFAULT-VALUE}).")
    int nfscpCopies;

    @Option(names = "--nfscp", paramLabel = "PROGRAM", defaultValue = "nfs-cp",
            description = "The nfs-cp program (default: ${DEFAULT-VALUE}).")
    String nfscp;

    @Option(names = "--uid", paramLabel = "UID", description = "AUTH_SYS uid (default: the URL's uid=, else 0).")
    Integer uid;

    @Option(names = "--gid", paramLabel = "GID", description = "AUTH_SYS gid (default: the URL's gid=, else 0).")
    Integer gid;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of random offsets (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--call-timeout", paramLabel = "TIME", defaultValue = "60s", converter = DurationConverter.class,
            description = "A call without a reply this long fails the run (default: ${DEFAULT-VALUE}).")
    Duration callTimeout;

    @Option(names = "--progress", paramLabel = "TIME", defaultValue = "1s", converter = DurationConverter.class,
            description = "Interval of progress lines on stderr; 0 for none (default: ${DEFAULT-VALUE}).")
    Duration progress;

    @Option(names = "--keep", description = "Leave the benchmark directory on the server.")
    boolean keep;

    @Option(names = "--json", description = "Print the report as JSON on stdout (progress stays on stderr).")
    boolean json;

    @Option(names = "--save", paramLabel = "FILE", description = "Also write the JSON report to FILE.")
    Path save;

    @Option(names = "--watch-pid", paramLabel = "NAME=PID",
            description = "Sample the RSS (VmRSS, VmHWM) of this local process as target NAME's.")
    List<String> watchPids = new ArrayList<>();

    @Option(names = "--watch-metrics", paramLabel = "NAME=URL",
            description = "Sample jvm_memory_heap_used from this Prometheus endpoint as target NAME's.")
    List<String> watchMetrics = new ArrayList<>();

    @Option(names = "--sync-between", description = "Run sync(1) before each run (servers storing data on this machine).")
    boolean syncBetween;

    @Option(names = "--settle", paramLabel = "TIME", defaultValue = "0s", converter = DurationConverter.class,
            description = "Pause this long before each run (after --sync-between's sync), so that no run inherits "
                    + "the memory the previous run freed or the pages it dirtied (default: none).")
    Duration settle;

    public BenchCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws CliException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Bench.Target> targets = targets();
        List<WorkloadKind> kinds;
        try {
            kinds = WorkloadKind.parse(workloads);
        } catch (IllegalArgumentException e) {
            throw new CliException(2, "--workloads: " + e.getMessage());
        }
        if (rounds < 1) throw new CliException(2, "--rounds must be at least 1");
        if (warmupRound != null && warmupRound.isZero()) throw new CliException(2, "--warmup-round must be positive");
        BenchSettings settings = settings();
        String problem = settings.validate();
        if (problem != null) throw new CliException(2, problem);
        Map<String, Long> pids = namedValues("--watch-pid", watchPids, targets, v -> {
            try {
                long p = Long.parseLong(v);
                if (p > 0) return p;
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException("'" + v + "' is not a process id");
        });
        Map<String, URI> metrics = namedValues("--watch-metrics", watchMetrics, targets, v -> {
            URI u = URI.create(v);
            if (!"http".equals(u.getScheme())) throw new IllegalArgumentException("'" + v + "' is not an http:// URL");
            return u;
        });
        Report report;
        try (ResourceWatch watch = new ResourceWatch(pids, metrics, Duration.ofMillis(500))) {
            report = new Bench(env.clock(), err).run(commandLine(), targets, kinds, rounds, warmupRound, settings, watch,
                    syncBetween, settle);
        } catch (IOException e) {
            throw new CliException(1, e.getMessage(), e);
        }
        String jsonText = report.toJson();
        if (save != null) {
            try {
                Path file = env.resolve(save);
                if (file.getParent() != null) Files.createDirectories(file.getParent());
                Files.writeString(file, jsonText + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException(1, "cannot write " + save + ": " + e.getMessage(), e);
            }
        }
        if (json) {
            out.println(jsonText);
            out.flush();
        } else {
            report.printText(out);
        }
        boolean allOk = report.runs().stream().allMatch(RunResult::ok);
        return allOk ? 0 : 1;
    }

    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "echofs bench " + String.join(" ", args.stream().map(BenchCommand::shellWord).toList());
    }

    private static String shellWord(String s) {
        return s.matches("[A-Za-z0-9_./:=,@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private BenchSettings settings() throws CliException {
        return BenchSettings.builder()
                .connections(connections).depth(depth)
                .ioThreads(ioThreads != null ? ioThreads : BenchSettings.builder().build().ioThreads())
                .duration(duration).warmup(warmup).ops(ops)
                .files(files).removeFiles(removeFiles).dirEntries(dirEntries)
                .readdirCount(intSize("--readdir-count", readdirCount)).createSize(intSize("--create-size", createSize))
                .seqSize(seqSize).seqBlock(intSize("--seq-block", seqBlock))
                .randSize(randSize).randBlock(intSize("--rand-block", randBlock))
                .commitEvery(commitEvery).nfscpSize(nfscpSize).nfscpCopies(nfscpCopies).nfscp(nfscp)
                .uid(uid).gid(gid).seed(seed).callTimeout(callTimeout).progress(progress).keep(keep)
                .build();
    }

    private static int intSize(String flag, long v) throws CliException {
        if (v > Integer.MAX_VALUE) throw new CliException(2, flag + " is too large");
        return (int) v;
    }

    private List<Bench.Target> targets() throws CliException {
        List<Bench.Target> out = new ArrayList<>();
        for (int i = 0; i < targetArgs.size(); i++) {
            String arg = targetArgs.get(i);
            String name;
            String url;
            int eq = arg.indexOf('=');
            if (eq > 0 && !arg.substring(0, eq).contains(":") && !arg.substring(0, eq).contains("/")) {
                name = arg.substring(0, eq);
                url = arg.substring(eq + 1);
            } else {
                name = targetArgs.size() == 1 ? "server" : "server" + (i + 1);
                url = arg;
            }
            if (!name.matches("[A-Za-z0-9_.-]{1,32}")) {
                throw new CliException(2, "target name '" + name + "': use 1 to 32 letters, digits, '_', '.' or '-'");
            }
            final String n = name;
            if (out.stream().anyMatch(t -> t.name().equals(n))) {
                throw new CliException(2, "target name '" + name + "' is given twice");
            }
            try {
                out.add(new Bench.Target(name, NfsUrl.parse(url)));
            } catch (IllegalArgumentException e) {
                throw new CliException(2, e.getMessage());
            }
        }
        return out;
    }

    private interface Parser<T> {
        T parse(String v);
    }

    private static <T> Map<String, T> namedValues(String flag, List<String> items, List<Bench.Target> targets,
                                                  Parser<T> parser) throws CliException {
        Map<String, T> out = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) throw new CliException(2, flag + " '" + item + "': expected NAME=VALUE");
            String name = item.substring(0, eq);
            if (targets.stream().noneMatch(t -> t.name().equals(name))) {
                throw new CliException(2, flag + " '" + item + "': no target is named '" + name + "'");
            }
            try {
                out.put(name, parser.parse(item.substring(eq + 1)));
            } catch (IllegalArgumentException e) {
                throw new CliException(2, flag + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Sizes with units (4KiB, 1GiB, 1MB). */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return ByteSize.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Durations: 10s, 500ms, 2m, 1.5s, or a bare number of seconds; 0 allowed. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern P = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?\\s*");

        @Override
        public Duration convert(String value) {
            Matcher m = P.matcher(value.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration (e.g. 10s, 500ms, 2m)");
            }
            double v = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> v;
                case "m" -> v * 60_000;
                case "h" -> v * 3_600_000;
                default -> v * 1000;
            };
            if (millis > 365L * 24 * 3_600_000) throw new TypeConversionException("'" + value + "' is too long");
            return Duration.ofMillis(Math.round(millis));
        }
    }
}
