package org.echofs.cli.node;

import com.codahale.metrics.MetricRegistry;
import org.echofs.cli.config.ConfigException;
import org.echofs.cli.config.GatewayConfig;
import org.echofs.core.time.Clock;
import org.echofs.gateway.metrics.JmxExposure;
import org.echofs.gateway.metrics.JvmMetrics;
import org.echofs.gateway.metrics.MetricsHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

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
        /*
         * TODO(integration): construct the NFS service here, in this order, once the storage, rpc
         * and nfs branches are merged (names as those branches had them when this was written;
         * check the merged signatures). Push each object that needs closing on `opened` right
         * after building it, so close() undoes a half-finished start in reverse order.
         *
         *  1. Volume volume = StorageEngine.open(
         *         new StorageConfig(dir.volume(), config.storage().capacity(), config.storage().maxObjects()),
         *         clock,                 // may become org.echofs.storage.SystemClock; then drop JvmClock
         *         registry);
         *     opened.push(volume);       // Volume.close() checkpoints and closes the engine
         *  2. ExportTable exports = new ExportsParser(<the system HostResolver>, clock).parse(config.exports());
         *     // catch org.echofs.gateway.export.ConfigException (it names file:line) and rethrow as
         *     //   new org.echofs.cli.config.ConfigException(e.getMessage()) so the command exits 2
         *  3. Map<Integer, Long> roots = ExportRoots.resolve(volume, exports);  // FsException -> IOException
         *  4. HandleCodec handles = new HandleCodec(secret);
         *  5. WriteEpoch epoch = new WriteEpoch(new SecureRandom().nextLong());  // new verifier every start
         *  6. ExecutorService workers = a bounded pool for the blocking NFS/MOUNT procedures;
         *     opened.push(workers::shutdown) (pushed before the RPC server so it closes after it)
         *  7. Nfs3Program nfs = new Nfs3Program(volume, exports, roots, handles, epoch, workers,
         *         new Nfs3Config((int) config.nfs().rtmax(), (int) config.nfs().wtmax(), <dir pref>), registry);
         *     MountProgram mount = new MountProgram(exports, roots, handles, ..., registry);
         *  8. RpcServer rpc = new RpcServer(RpcServerConfig.defaults()
         *             .withBindAddress(config.bind()).withPort(config.nfs().port())
         *             .withMaxRecordSize((int) config.rpc().maxRecordSize())
         *             .withMaxConnections(config.rpc().maxConnections()),
         *         List.of(nfs, mount), registry);
         *     opened.push(rpc);
         *     InetSocketAddress address = rpc.start();   // UncheckedIOException -> IOException
         *  9. InetSocketAddress portmap = null;
         *     if (config.portmap().enabled()) {
         *         PortmapRegistry ports = new PortmapRegistry();
         *         // set NFS 100003 v3 and MOUNT 100005 v1..v3, IPPROTO_TCP, address.getPort()
         *         RpcServer pm = new RpcServer(RpcServerConfig.portmapDefaults()
         *                 .withBindAddress(config.portmapAddress()).withPort(config.portmap().port()),
         *             List.of(new PortmapProgram(ports, registry)), registry);
         *         try { portmap = pm.start(); opened.push(pm); }
         *         catch (UncheckedIOException e) { LOG.warn("portmap: cannot listen on {}:{} ({}); a system rpcbind "
         *             + "may hold the port, or it needs root; clients must be given the ports", ...); }
         *     }
         * 10. return new NfsService(address, exports.exports().get(0).path(), portmap);
         *
         * Also complete checkVolume() below with org.echofs.storage.Fsck.
         */
        throw new IllegalStateException("the NFS service (storage engine, exports, RPC server) is not wired into "
                + "this build yet: see the TODO in " + StandaloneGateway.class.getName());
    }

    /**
     * Checks the volume in {@code volumeDir} offline (nothing may have it open).
     *
     * @throws IOException when it cannot be checked at all (locked, unreadable)
     */
    public static VolumeCheck checkVolume(Path volumeDir) throws IOException {
        /*
         * TODO(integration): FsckReport report = org.echofs.storage.Fsck.check(volumeDir);
         * return new VolumeCheck(report.clean() ? Verdict.CLEAN : Verdict.DAMAGED, report.toString());
         * and turn "in use"/"cannot read" failures into IOException.
         */
        throw new IOException("the volume checker is not wired into this build yet: see the TODO in "
                + StandaloneGateway.class.getName());
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
