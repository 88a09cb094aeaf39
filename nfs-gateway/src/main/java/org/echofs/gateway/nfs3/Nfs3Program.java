package org.echofs.gateway.nfs3;

import com.codahale.metrics.MetricRegistry;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.Volume;
import org.echofs.core.writebehind.WriteEpoch;
import org.echofs.gateway.export.ExportTable;
import org.echofs.gateway.handle.HandleCodec;
import org.echofs.gateway.rpc.RpcCall;
import org.echofs.gateway.rpc.RpcProgram;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The NFS program, version 3 (RFC 1813): all 22 procedures over one {@link Volume}.
 *
 * <p>Threads: {@link #dispatch} runs on the I/O thread. It answers NULL and undecodable
 * arguments (GARBAGE_ARGS) there and hands everything else to the executor given to the
 * constructor; the reply is sent from that worker, or, for updates, when the volume's future
 * completes (failure replies, which need fresh attributes, go back through the executor). No
 * worker ever waits on a future.
 *
 * <p>Failures: a volume refusal becomes its nfsstat3 ({@link NfsStat3#of}) with the procedure's
 * failure arm (weak cache consistency data included); an unexpected exception becomes
 * NFS3ERR_SERVERFAULT (logged); a full executor gives NFS3ERR_JUKEBOX so the client retries.
 *
 * <p>Choices: see {@link Nfs3Request#target} for the order of handle checks. AUTH_NONE calls
 * run as the export's anonymous user. {@code secure} exports answer NFS3ERR_PERM to calls from
 * unprivileged ports (as Linux nfsd). WRITE longer than {@link Nfs3Config#writeMax()} is cut
 * short (as Linux nfsd); WRITE whose count differs from its data length is GARBAGE_ARGS (as Linux
 * nfsd). A failed COMMIT or stable WRITE with NFS3ERR_IO rotates the write epoch.
 */
public final class Nfs3Program implements RpcProgram {

    public static final int PROGRAM = 100003;
    public static final int VERSION = 3;

    private static final Logger LOG = LoggerFactory.getLogger(Nfs3Program.class);

    private final Nfs3Services svc;
    private final Executor executor;
    private final Map<Nfs3Proc, Handler<?>> handlers = new EnumMap<>(Nfs3Proc.class);

    /**
     * @param volume      the storage seam
     * @param exports     the parsed exports
     * @param exportRoots export id to the object id of its root directory ({@code ExportRoots.resolve})
     * @param handles     signs and checks file handles
     * @param epoch       the write verifier's owner
     * @param executor    runs every procedure but NULL; may reject (clients then get JUKEBOX)
     * @param config      tunables; {@link Nfs3Config#DEFAULTS} for the usual
     * @param metrics     where {@code nfs.*} metrics go
     */
    public Nfs3Program(Volume volume, ExportTable exports, Map<Integer, Long> exportRoots, HandleCodec handles,
                       WriteEpoch epoch, Executor executor, Nfs3Config config, MetricRegistry metrics) {
        this.svc = new Nfs3Services(volume, volume.info(), exports, Map.copyOf(exportRoots), handles, epoch, config,
                new Nfs3Metrics(metrics));
        this.executor = executor;
        register(new AttrHandlers.Getattr());
        register(new AttrHandlers.Setattr());
        register(new AttrHandlers.Access());
        register(new LookupHandler());
        register(new ReadlinkHandler());
        register(new ReadHandler());
        register(new WriteHandler());
        register(new CommitHandler());
        register(new CreateHandlers.Create());
        register(new CreateHandlers.Mkdir());
        register(new CreateHandlers.Symlink());
        register(new CreateHandlers.Mknod());
        register(new RemoveHandlers.Remove());
        register(new RemoveHandlers.Rmdir());
        register(new RenameHandler());
        register(new LinkHandler());
        register(new ReaddirHandlers.Readdir());
        register(new ReaddirHandlers.Readdirplus());
        register(new FsHandlers.Fsstat());
        register(new FsHandlers.Fsinfo());
        register(new FsHandlers.Pathconf());
        for (Nfs3Proc p : Nfs3Proc.values()) {
            if (p != Nfs3Proc.NULL && !handlers.containsKey(p)) throw new IllegalStateException("no handler for " + p);
        }
    }

    private void register(Handler<?> h) {
        handlers.put(h.proc(), h);
    }

    @Override public int program() { return PROGRAM; }

    @Override public int lowVersion() { return VERSION; }

    @Override public int highVersion() { return VERSION; }

    @Override
    public boolean hasProcedure(int version, int procedure) {
        return version == VERSION && Nfs3Proc.of(procedure) != null;
    }

    @Override
    public boolean isNonIdempotent(int version, int procedure) {
        Nfs3Proc p = Nfs3Proc.of(procedure);
        return version == VERSION && p != null && p.nonIdempotent();
    }

    @Override
    public String procedureName(int version, int procedure) {
        Nfs3Proc p = Nfs3Proc.of(procedure);
        return p == null ? "PROC_" + procedure : p.name();
    }

    /** Reply bytes reserved for procedures whose results do not grow with an argument (CREATE, the largest, needs ~250). */
    static final int SMALL_REPLY = 512;
    /** Reply bytes of READ besides the data: status, post_op_attr, count, eof, opaque length, padding. */
    static final int READ_REPLY_OVERHEAD = ReadHandler.OVERHEAD;

    /**
     * READ reserves its count (capped at rtmax) and its header, READDIR its count, READDIRPLUS its
     * maxcount (both capped at rtmax: the handlers keep the reply within them), READLINK a
     * maximal path; everything else {@value #SMALL_REPLY} bytes.
     */
    @Override
    public int replyReservation(int version, int procedure, XdrDecoder args) throws XdrException {
        Nfs3Proc proc = Nfs3Proc.of(procedure);
        if (proc == null) return SMALL_REPLY;
        int cap = svc.config().readMax();
        return switch (proc) {
            case READ -> {
                skipHandle(args);
                args.readLong(); // offset
                yield (int) Math.min(args.readUnsignedInt(), cap) + READ_REPLY_OVERHEAD;
            }
            case READDIR -> {
                skipHandle(args);
                args.readLong(); // cookie
                args.readLong(); // cookieverf
                yield (int) Math.min(args.readUnsignedInt(), cap);
            }
            case READDIRPLUS -> {
                skipHandle(args);
                args.readLong(); // cookie
                args.readLong(); // cookieverf
                args.readUnsignedInt(); // dircount
                yield (int) Math.min(args.readUnsignedInt(), cap);
            }
            case READLINK -> ReadlinkHandler.MAX_REPLY;
            default -> SMALL_REPLY;
        };
    }

    private static void skipHandle(XdrDecoder args) throws XdrException {
        int length = args.readLength(args.remaining());
        args.skip(Nfs3Xdr.padded(length));
    }

    @Override
    public void dispatch(RpcCall call) {
        Nfs3Proc proc = Nfs3Proc.of(call.procedure());
        if (proc == null || call.version() != VERSION) {
            call.replyProcedureUnavailable();
            return;
        }
        long start = svc.metrics().start();
        if (proc == Nfs3Proc.NULL) {
            call.reply(XdrWritable.VOID);
            svc.metrics().finished(proc, start, NfsStat3.NFS3_OK);
            return;
        }
        start(call, handlers.get(proc), start);
    }

    private <A> void start(RpcCall call, Handler<A> h, long start) {
        A args;
        try {
            args = h.decode(call.args());
        } catch (XdrException e) {
            LOG.debug("{} from {}: garbage arguments: {}", h.proc(), call.remoteAddress(), e.getMessage());
            call.replyGarbageArgs();
            svc.metrics().garbage(h.proc(), start);
            return;
        }
        Nfs3Request req = new Nfs3Request(svc, call, h.proc().modifies());
        try {
            executor.execute(() -> run(call, req, h, args, start));
        } catch (RejectedExecutionException e) {
            svc.metrics().rejected();
            // Not authorized yet, so the failure arm carries no attributes and touches no storage.
            send(call, h, h.failure(req, args, NfsStat3.NFS3ERR_JUKEBOX), start);
        }
    }

    /**
     * On a worker. Nothing escapes: whatever the handler throws (an {@link Error} such as
     * NoClassDefFoundError included) is answered, so the worker thread lives on and the client
     * gets a reply.
     */
    private <A> void run(RpcCall call, Nfs3Request req, Handler<A> h, A args, long start) {
        try {
            CompletableFuture<Nfs3Reply> f;
            try {
                f = h.handle(req, args);
            } catch (Throwable e) {
                f = CompletableFuture.failedFuture(e); // finish() builds the failure reply, guarded
            }
            if (f.isDone()) {
                finish(call, req, h, args, f, start);
            } else {
                CompletableFuture<Nfs3Reply> pending = f;
                pending.whenComplete((r, ex) -> onWorker(call, h, start,
                        () -> finish(call, req, h, args, pending, start)));
            }
        } catch (Throwable t) {
            lastResort(call, h, start, t);
        }
    }

    private void onWorker(RpcCall call, Handler<?> h, long start, Runnable r) {
        Runnable guarded = () -> {
            try {
                r.run();
            } catch (Throwable t) {
                lastResort(call, h, start, t);
            }
        };
        try {
            executor.execute(guarded);
        } catch (RejectedExecutionException e) {
            guarded.run(); // the update is done; its answer must not be lost
        }
    }

    /**
     * A failure that escaped even the failure reply: answered SYSTEM_ERR (unless an answer went
     * out already), counted as a server fault, logged. Throws nothing.
     */
    private void lastResort(RpcCall call, Handler<?> h, long start, Throwable t) {
        try {
            LOG.error("{} from {}: handler failed; answering SYSTEM_ERR", h.proc(), call.remoteAddress(), t);
        } catch (Throwable ignored) {
            // logging itself failed: still answer
        }
        svc.metrics().fault();
        try {
            if (!call.isDone()) call.replySystemError();
        } catch (Throwable ignored) {
            // the RPC layer closes the connection when no reply can be built
        }
        svc.metrics().finished(h.proc(), start, NfsStat3.NFS3ERR_SERVERFAULT);
    }

    private <A> void finish(RpcCall call, Nfs3Request req, Handler<A> h, A args, CompletableFuture<Nfs3Reply> f,
                            long start) {
        Nfs3Reply reply;
        try {
            try {
                reply = f.get();
            } catch (ExecutionException | CompletionException | CancellationException e) {
                Throwable cause = e instanceof CancellationException ? e : e.getCause();
                if (cause instanceof CompletionException ce && ce.getCause() != null) cause = ce.getCause();
                if (cause instanceof FsException fe) {
                    reply = failure(req, h, args, fe);
                } else {
                    reply = fault(req, h, args, cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply = fault(req, h, args, e);
            }
        } catch (Throwable e) {
            lastResort(call, h, start, e);
            return;
        }
        send(call, h, reply, start);
    }

    private <A> Nfs3Reply failure(Nfs3Request req, Handler<A> h, A args, FsException e) {
        return h.failure(req, args, NfsStat3.of(e.error()));
    }

    private <A> Nfs3Reply fault(Nfs3Request req, Handler<A> h, A args, Throwable cause) {
        LOG.error("{}: unexpected failure", h.proc(), cause);
        svc.metrics().fault();
        return h.failure(req, args, NfsStat3.NFS3ERR_SERVERFAULT);
    }

    private void send(RpcCall call, Handler<?> h, Nfs3Reply reply, long start) {
        call.reply(reply);
        svc.metrics().finished(h.proc(), start, reply.status());
    }
}
