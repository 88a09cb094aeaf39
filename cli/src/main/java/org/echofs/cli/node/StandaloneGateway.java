package org.echofs.cli.node;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import org.echofs.cli.config.ConfigException;
import org.echofs.cli.config.GatewayConfig;
import org.echofs.core.fs.FsException;
import org.echofs.core.time.Clock;
import org.echofs.core.writebehind.WriteEpoch;
import org.echofs.gateway.export.ExportRoots;
import org.echofs.gateway.export.ExportTable;
import org.echofs.gateway.export.ExportsParser;
import org.echofs.gateway.export.HostResolver;
import org.echofs.gateway.handle.HandleCodec;
import org.echofs.gateway.mount.MountProgram;
import org.echofs.gateway.nfs3.Nfs3Config;
import org.echofs.gateway.nfs3.Nfs3Program;
import org.echofs.gateway.portmap.PortmapProgram;
import org.echofs.gateway.portmap.PortmapRegistry;
import org.echofs.gateway.rpc.RpcServer;
import org.echofs.gateway.rpc.RpcServerConfig;
import org.echofs.storage.Fsck;
import org.echofs.storage.FsckReport;
import org.echofs.storage.StorageConfig;
import org.echofs.storage.StorageEngine;
import org.echofs.gateway.metrics.JmxExposure;
import org.echofs.gateway.metrics.JvmMetrics;
import org.echofs.gateway.metrics.MetricsHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root of the standalone gateway process: builds, with constructors, the whole
 * object graph of one gateway with its storage engine embedded (metrics, cluster secret, volume,
 * exports, file handles, write epoch, NFS and MOUNT programs, RPC server, optional portmapper),
 * starts it, and closes it again in reverse order. Nothing else in the process constructs these
 * objects.
 *
 * <p>Threads: {@link #start()} once, from one thread; {@link #close()} from any thread (the
 * shutdown hook), any number of times. {@link #start()} throws {@link ConfigException} for a bad
 * exports file (with file and line) and {@link IOException} when a port cannot be bound or the
 * volume cannot be opened; whatever it had started is closed again before it throws.
 */
public final class StandaloneGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneGateway.class);

    /** Threads that run the blocking NFS and MOUNT procedures; the queue in front of them. */
    private static final int WORKER_THREADS = 16;
    private static final int WORKER_QUEUE = 4096;

    /**
     * Where the started gateway serves.
     *
     * @param nfs         NFS v3 and MOUNT v3 (one port)
     * @param firstExport the path of the first export in the exports file
     * @param portmap     the embedded portmapper, or null when disabled or its port was taken
     * @param metrics     the Prometheus endpoint
     */
    public record Endpoints(InetSocketAddress nfs, String firstExport, InetSocketAddress portmap,
                            InetSocketAddress metrics) {
    }

    /** The outcome of checking a volume offline. */
    public enum Verdict { CLEAN, DAMAGED }

    /** A finished volume check: verdict and the report to print. */
    public record VolumeCheck(Verdict verdict, String report) {
    }

    private final GatewayConfig config;
    private final Clock clock;
    private final DataDir dir;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private boolean started;

    public StandaloneGateway(GatewayConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.dir = new DataDir(config.dir());
    }

    /** Builds and starts everything; returns where it serves. */
    public synchronized Endpoints start() throws IOException, ConfigException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            return build();
        } catch (IOException | ConfigException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Endpoints build() throws IOException, ConfigException {
        MetricRegistry registry = new MetricRegistry();
        JvmMetrics.register(registry);
        if (config.metrics().jmx()) {
            JmxExposure jmx = new JmxExposure(registry);
            jmx.start();
            opened.push(jmx);
        }
        byte[] secret = ClusterSecret.load(dir.secret());
        NfsService nfs = startNfs(registry, secret);
        MetricsHttpServer http = new MetricsHttpServer(
                new InetSocketAddress(config.metrics().bind(), config.metrics().port()), registry);
        opened.push(http);
        InetSocketAddress metricsAddress = http.start();
        return new Endpoints(nfs.address(), nfs.firstExport(), nfs.portmap(), metricsAddress);
    }

    /** What {@link #startNfs} started: NFS/MOUNT address, first export, portmapper (or null). */
    private record NfsService(InetSocketAddress address, String firstExport, InetSocketAddress portmap) {
    }

    private NfsService startNfs(MetricRegistry registry, byte[] secret) throws IOException, ConfigException {
        StorageEngine volume = StorageEngine.open(StorageConfig.defaults(dir.volume())
                .withCapacity(config.storage().capacity(), config.storage().maxObjects())
                .withDirectWriteMin(config.storage().directWriteMin())
                .withReadAhead(config.storage().readAhead()), clock, registry);
        opened.push(volume);

        ExportTable exports;
        try {
            exports = new ExportsParser(HostResolver.system(), clock).parse(config.exports());
        } catch (org.echofs.gateway.export.ConfigException e) {
            throw new ConfigException(e.getMessage());
        }
        Map<Integer, Long> roots;
        try {
            roots = ExportRoots.resolve(volume, exports);
        } catch (FsException e) {
            throw new IOException("cannot create the export directories: " + e.getMessage(), e);
        }
        HandleCodec handles = new HandleCodec(secret);
        WriteEpoch epoch = new WriteEpoch(new SecureRandom().nextLong());

        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(WORKER_QUEUE), namedThreads("nfs-worker"));
        opened.push(() -> {
            workers.shutdown();
            workers.awaitTermination(10, TimeUnit.SECONDS);
        });
        registry.register("nfs.workers.queued", (Gauge<Integer>) () -> workers.getQueue().size());
        registry.register("nfs.workers.active", (Gauge<Integer>) workers::getActiveCount);

        Nfs3Program nfs = new Nfs3Program(volume, exports, roots, handles, epoch, workers,
                new Nfs3Config((int) config.nfs().rtmax(), (int) config.nfs().wtmax(), Nfs3Config.DEFAULTS.dirPreferred()),
                registry);
        MountProgram mount = new MountProgram(volume, exports, roots, handles, workers, registry);
        RpcServerConfig rpcConfig = rpcConfig(config);
        RpcServer rpc = new RpcServer(rpcConfig, List.of(nfs, mount), registry, clock);
        opened.push(rpc);
        InetSocketAddress address = bind(rpc);

        InetSocketAddress portmap = null;
        if (config.portmap().enabled()) {
            PortmapRegistry ports = new PortmapRegistry();
            ports.set(new PortmapRegistry.Mapping(Nfs3Program.PROGRAM, Nfs3Program.VERSION,
                    PortmapRegistry.IPPROTO_TCP, address.getPort()));
            ports.set(new PortmapRegistry.Mapping(MountProgram.PROGRAM, MountProgram.VERSION,
                    PortmapRegistry.IPPROTO_TCP, address.getPort()));
            RpcServer pm = new RpcServer(RpcServerConfig.portmapDefaults()
                    .withBindAddress(config.portmapAddress()).withPort(config.portmap().port()),
                    List.of(new PortmapProgram(ports, registry)), registry, clock);
            try {
                portmap = pm.start();
                opened.push(pm);
            } catch (UncheckedIOException e) {
                pm.close();
                LOG.warn("portmap: cannot listen on {}:{} ({}); a system rpcbind may hold the port, or binding it "
                        + "needs root. Clients must be given the NFS and MOUNT ports.", config.portmapAddress()
                        .getHostAddress(), config.portmap().port(), e.getCause() == null ? e.getMessage()
                        : e.getCause().getMessage());
            }
        }
        LOG.info("serving NFSv3 and MOUNT v3 on {} with exports {}; RPC memory budget {} bytes ({} per connection)",
                address, exports.exports().stream().map(x -> x.path() + " (id " + x.id() + ")").toList(),
                rpcConfig.memoryBudget(), rpcConfig.connectionBudget());
        return new NfsService(address, exports.exports().get(0).path(), portmap);
    }

    /**
     * The NFS/MOUNT server's settings from the {@code rpc} section. Without {@code memory-budget},
     * the budget is derived from this JVM's direct memory ({@link RpcServerConfig#defaultMemoryBudget()}),
     * raised to twice the record size if that is more.
     */
    static RpcServerConfig rpcConfig(GatewayConfig config) {
        int maxRecord = (int) config.rpc().maxRecordSize();
        long memory = config.rpc().memoryBudget()
                .orElse(Math.max(RpcServerConfig.defaultMemoryBudget(), 2L * maxRecord));
        RpcServerConfig d = RpcServerConfig.defaults();
        return new RpcServerConfig(config.bind(), config.nfs().port(), maxRecord, d.ioThreads(),
                config.rpc().maxConnections(), d.maxCallsInFlightPerConnection(), d.idleTimeout(), d.recordTimeout(),
                config.rpc().writeStallTimeout(), memory, config.rpc().connectionBudget(), d.drcMaxEntries(),
                d.drcMaxBytes(), d.drcMaxAge(), d.metricPrefix());
    }

    private static InetSocketAddress bind(RpcServer server) throws IOException {
        try {
            return server.start();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static ThreadFactory namedThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Checks the volume in {@code volumeDir} offline (nothing may have it open).
     *
     * @throws IOException when it cannot be checked at all (locked, unreadable)
     */
    public static VolumeCheck checkVolume(Path volumeDir) throws IOException {
        FsckReport report = new Fsck().check(volumeDir);
        return new VolumeCheck(report.isClean() ? Verdict.CLEAN : Verdict.DAMAGED, report.toText());
    }

    /** Stops serving and closes everything started, newest first; logs and goes on past failures. */
    @Override
    public synchronized void close() {
        while (!opened.isEmpty()) {
            AutoCloseable c = opened.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", c.getClass().getSimpleName(), e);
            }
        }
    }
}
