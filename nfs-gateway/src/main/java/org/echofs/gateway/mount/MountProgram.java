package org.echofs.gateway.mount;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.Caller;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.Volume;
import org.echofs.gateway.export.ClientRule;
import org.echofs.gateway.export.Export;
import org.echofs.gateway.export.ExportOptions;
import org.echofs.gateway.export.ExportPaths;
import org.echofs.gateway.export.ExportTable;
import org.echofs.gateway.handle.FileHandle;
import org.echofs.gateway.handle.HandleCodec;
import org.echofs.gateway.metrics.HdrReservoir;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcCall;
import org.echofs.gateway.rpc.RpcProgram;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The MOUNT program, version 3 only (RFC 1813 appendix I): NULL, MNT, DUMP, UMNT, UMNTALL,
 * EXPORT.
 *
 * <p>MNT accepts an export's path and any directory below it (clients such as libnfs mount the
 * parent of a file), walking from the export root with {@code Volume.lookup} as the squashed
 * caller. It answers MNT3ERR_ACCES for a path under no export and for a client without a rule or
 * (on a {@code secure} export) from an unprivileged port, as Linux mountd does; NAMETOOLONG for
 * a dirpath over 1024 bytes; INVAL for one that is not UTF-8 or not a clean absolute path ("."
 * and ".." components are refused); NOENT and NOTDIR from the walk. The reply offers AUTH_SYS.
 *
 * <p>Threads: {@link #dispatch} runs on the I/O thread; MNT (which may block on DNS and storage)
 * runs on the executor, the rest inline. A full executor answers SYSTEM_ERR. Metrics:
 * {@code mount.<PROC>} timers, {@code mount.status.<MNT3ERR_...>} counters,
 * {@code mount.garbage_args}.
 */
public final class MountProgram implements RpcProgram {

    public static final int PROGRAM = 100005;
    public static final int VERSION = 3;
    public static final int NULL = 0, MNT = 1, DUMP = 2, UMNT = 3, UMNTALL = 4, EXPORT = 5;
    private static final String[] NAMES = {"NULL", "MNT", "DUMP", "UMNT", "UMNTALL", "EXPORT"};

    /** How many (client, directory) pairs DUMP remembers by default. */
    public static final int DEFAULT_MOUNT_LIST_ENTRIES = 1024;

    /** MNTNAMLEN: host names in DUMP replies. */
    static final int MAX_HOST = 255;

    private static final Logger LOG = LoggerFactory.getLogger(MountProgram.class);

    private final Volume volume;
    private final ExportTable exports;
    private final Map<Integer, Long> exportRoots;
    private final HandleCodec handles;
    private final Executor executor;
    private final MountList mounts;
    private final Timer[] timers = new Timer[NAMES.length];
    private final Map<MountStat3, Counter> statuses = new EnumMap<>(MountStat3.class);
    private final Counter garbage;

    /** With the default mount list bound ({@value #DEFAULT_MOUNT_LIST_ENTRIES}). */
    public MountProgram(Volume volume, ExportTable exports, Map<Integer, Long> exportRoots, HandleCodec handles,
                        Executor executor, MetricRegistry metrics) {
        this(volume, exports, exportRoots, handles, executor, metrics, DEFAULT_MOUNT_LIST_ENTRIES);
    }

    /**
     * @param exportRoots      export id to the object id of its root directory ({@code ExportRoots.resolve})
     * @param executor         runs MNT
     * @param mountListEntries how many (client, directory) pairs DUMP remembers
     */
    public MountProgram(Volume volume, ExportTable exports, Map<Integer, Long> exportRoots, HandleCodec handles,
                        Executor executor, MetricRegistry metrics, int mountListEntries) {
        this.volume = volume;
        this.exports = exports;
        this.exportRoots = Map.copyOf(exportRoots);
        this.handles = handles;
        this.executor = executor;
        this.mounts = new MountList(mountListEntries);
        for (int i = 0; i < NAMES.length; i++) timers[i] = HdrReservoir.timer(metrics, "mount." + NAMES[i]);
        for (MountStat3 s : MountStat3.values()) {
            if (s != MountStat3.MNT3_OK) statuses.put(s, metrics.counter("mount.status." + s.name()));
        }
        garbage = metrics.counter("mount.garbage_args");
    }

    @Override public int program() { return PROGRAM; }

    @Override public int lowVersion() { return VERSION; }

    @Override public int highVersion() { return VERSION; }

    @Override
    public boolean hasProcedure(int version, int procedure) {
        return version == VERSION && procedure >= 0 && procedure < NAMES.length;
    }

    @Override
    public boolean isNonIdempotent(int version, int procedure) {
        return false; // MNT and UMNT may simply run again
    }

    @Override
    public String procedureName(int version, int procedure) {
        return procedure >= 0 && procedure < NAMES.length ? NAMES[procedure] : "PROC_" + procedure;
    }

    @Override
    public void dispatch(RpcCall call) {
        int proc = call.procedure();
        if (!hasProcedure(call.version(), proc)) {
            call.replyProcedureUnavailable();
            return;
        }
        long start = System.nanoTime();
        try {
            switch (proc) {
                case NULL -> reply(call, XdrWritable.VOID, start, MountStat3.MNT3_OK);
                case MNT -> mnt(call, start);
                case DUMP -> reply(call, this::writeDump, start, MountStat3.MNT3_OK);
                case UMNT -> umnt(call, start);
                case UMNTALL -> {
                    mounts.removeAll(host(call));
                    reply(call, XdrWritable.VOID, start, MountStat3.MNT3_OK);
                }
                case EXPORT -> reply(call, this::writeExports, start, MountStat3.MNT3_OK);
                default -> call.replyProcedureUnavailable();
            }
        } catch (XdrException e) {
            LOG.debug("{} from {}: garbage arguments: {}", NAMES[proc], call.remoteAddress(), e.getMessage());
            count(garbage);
            call.replyGarbageArgs();
            time(proc, start);
        }
    }

    private void mnt(RpcCall call, long start) throws XdrException {
        XdrDecoder in = call.args();
        long len = in.readUnsignedInt();
        if (len > ExportPaths.MAX_PATH) {
            reply(call, mntFailure(MountStat3.MNT3ERR_NAMETOOLONG), start, MountStat3.MNT3ERR_NAMETOOLONG);
            return;
        }
        byte[] raw = in.readFixedOpaque((int) len);
        try {
            executor.execute(() -> {
                MountStat3 status;
                XdrWritable body;
                try {
                    MntResult r = mount(call, raw);
                    status = r.status();
                    body = r.body();
                } catch (Throwable e) { // Errors too: the worker lives on and the client gets an answer
                    LOG.error("MNT from {} failed", call.remoteAddress(), e);
                    status = MountStat3.MNT3ERR_SERVERFAULT;
                    body = mntFailure(status);
                }
                reply(call, body, start, status);
            });
        } catch (RejectedExecutionException e) {
            call.replySystemError();
            time(MNT, start);
        }
    }

    private record MntResult(MountStat3 status, XdrWritable body) { }

    private static XdrWritable mntFailure(MountStat3 status) {
        return out -> out.writeInt(status.code());
    }

    private static MntResult fail(MountStat3 status) {
        return new MntResult(status, mntFailure(status));
    }

    /** MNT on a worker: check, walk, remember, answer. */
    private MntResult mount(RpcCall call, byte[] raw) {
        String path;
        try {
            path = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return fail(MountStat3.MNT3ERR_INVAL);
        }
        if (ExportPaths.hasLongComponent(path)) return fail(MountStat3.MNT3ERR_NAMETOOLONG);
        List<String> components;
        try {
            components = ExportPaths.components(path);
        } catch (IllegalArgumentException e) {
            return fail(MountStat3.MNT3ERR_INVAL);
        }
        String normalized = components.isEmpty() ? "/" : "/" + String.join("/", components);
        Export export = exports.forPath(normalized);
        if (export == null) {
            LOG.info("refused MNT of {} from {}: not exported", normalized, call.remoteAddress());
            return fail(MountStat3.MNT3ERR_ACCES);
        }
        Long root = exportRoots.get(export.id());
        if (root == null) {
            LOG.error("export {} (id {}) has no root object", export.path(), export.id());
            return fail(MountStat3.MNT3ERR_SERVERFAULT);
        }
        InetSocketAddress client = call.remoteAddress();
        ExportOptions options = exports.access(export, client);
        if (options == null) {
            LOG.info("refused MNT of {} from {}: no rule for this client", normalized, client);
            return fail(MountStat3.MNT3ERR_ACCES);
        }
        if (!options.allowsPort(client.getPort())) {
            LOG.info("refused MNT of {} from {}: secure export, unprivileged port", normalized, client);
            return fail(MountStat3.MNT3ERR_ACCES);
        }
        Caller caller = options.squash(call.credential());
        int below = export.path().equals("/") ? 0 : ExportPaths.components(export.path()).size();
        Attributes a;
        try {
            a = volume.getattr(root);
            for (String name : components.subList(below, components.size())) {
                if (!a.isDirectory()) return fail(MountStat3.MNT3ERR_NOTDIR);
                a = volume.lookup(caller, a.fileId(), name);
            }
        } catch (FsException e) {
            return fail(MountStat3.of(e.error()));
        }
        if (!a.isDirectory()) return fail(MountStat3.MNT3ERR_NOTDIR);
        byte[] fh = handles.encode(new FileHandle(export.id(), a.fileId(), a.generation()));
        mounts.add(host(call), normalized);
        return new MntResult(MountStat3.MNT3_OK, out -> {
            out.writeInt(MountStat3.MNT3_OK.code());
            out.writeOpaque(fh);
            out.writeInt(1);
            out.writeInt(Credential.AUTH_SYS);
        });
    }

    private void umnt(RpcCall call, long start) throws XdrException {
        byte[] raw = call.args().readOpaque(ExportPaths.MAX_PATH);
        String path = new String(raw, StandardCharsets.UTF_8);
        String normalized = ExportPaths.normalizeOrNull(path);
        mounts.remove(host(call), normalized != null ? normalized : path);
        reply(call, XdrWritable.VOID, start, MountStat3.MNT3_OK);
    }

    private static String host(RpcCall call) {
        InetSocketAddress a = call.remoteAddress();
        String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return h.length() > MAX_HOST ? h.substring(0, MAX_HOST) : h;
    }

    private void writeDump(org.echofs.gateway.xdr.XdrEncoder out) {
        for (MountList.Entry e : mounts.snapshot()) {
            out.writeBoolean(true);
            out.writeString(e.host());
            out.writeString(e.directory());
        }
        out.writeBoolean(false);
    }

    private void writeExports(org.echofs.gateway.xdr.XdrEncoder out) {
        for (Export e : exports.exports()) {
            out.writeBoolean(true);
            out.writeString(e.path());
            for (ClientRule r : e.rules()) {
                out.writeBoolean(true);
                out.writeString(r.client().text());
            }
            out.writeBoolean(false);
        }
        out.writeBoolean(false);
    }

    private void reply(RpcCall call, XdrWritable body, long start, MountStat3 status) {
        call.reply(body);
        time(call.procedure(), start);
        if (status != MountStat3.MNT3_OK) count(statuses.get(status));
    }

    private void time(int proc, long start) {
        try {
            timers[proc].update(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            LOG.warn("metrics failed", e);
        }
    }

    private static void count(Counter c) {
        try {
            c.inc();
        } catch (RuntimeException e) {
            LOG.warn("metrics failed", e);
        }
    }
}
