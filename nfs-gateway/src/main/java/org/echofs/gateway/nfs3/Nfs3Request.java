package org.echofs.gateway.nfs3;

import io.netty.buffer.ByteBufAllocator;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.Caller;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.Volume;
import org.echofs.gateway.export.Export;
import org.echofs.gateway.export.ExportOptions;
import org.echofs.gateway.handle.FileHandle;
import org.echofs.gateway.handle.HandleCodec;
import org.echofs.gateway.rpc.RpcCall;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * One NFS call being served: checks its file handles (signature, export, client rules, port,
 * generation, read-only export) and squashes its credential, once, for all handles of the call.
 * Used by one thread at a time: the worker that runs the handler, then the worker that builds a
 * failure reply (the executor hand-off orders the two). Code that runs on a volume's completion
 * thread uses only final values captured before the volume call ({@link #handleMaker}).
 */
final class Nfs3Request {

    /** The longest symbolic link target accepted (MAXPATHLEN). */
    static final int MAX_PATH = 4096;

    private final Nfs3Services svc;
    private final RpcCall call;
    private final boolean modifies;
    private Export export;
    private ExportOptions options;
    private Caller caller;
    private long exportRoot;

    Nfs3Request(Nfs3Services svc, RpcCall call, boolean modifies) {
        this.svc = svc;
        this.call = call;
        this.modifies = modifies;
    }

    Volume volume() { return svc.volume(); }

    Nfs3Services services() { return svc; }

    /** The allocator for large result data: see {@link RpcCall#dataAllocator()}. */
    ByteBufAllocator dataAllocator() { return call.dataAllocator(); }

    /** The squashed caller; valid after the first {@link #target}. */
    Caller caller() { return caller; }

    ExportOptions options() { return options; }

    /** The object id of the export's root directory; valid after the first {@link #target}. */
    long exportRoot() { return exportRoot; }

    /** True once a handle of this call passed the export and client checks. */
    boolean authorized() { return export != null; }

    /**
     * Checks a handle of this call, in this order: it verifies (BADHANDLE), its export exists
     * (STALE), the client has a rule on it (ACCES), a {@code secure} export sees a privileged
     * source port (PERM, as Linux nfsd), the object lives with the handle's generation (STALE),
     * and a modifying procedure has a read-write export (ROFS). A second handle of the same call
     * must name the same export (XDEV).
     */
    Target target(byte[] fh) throws FsException {
        FileHandle h = svc.handles().decode(fh);
        if (export == null) {
            Export e = svc.exports().byId(h.exportId());
            Long root = svc.exportRoots().get(h.exportId());
            if (e == null || root == null) throw new FsException(FsError.STALE, "unknown export " + h.exportId());
            InetSocketAddress client = call.remoteAddress();
            ExportOptions o = svc.exports().access(e, client);
            if (o == null) throw new FsException(FsError.ACCES, client + " has no rule on " + e.path());
            if (!o.allowsPort(client.getPort())) {
                throw new FsException(FsError.PERM, "secure export " + e.path() + ", port " + client.getPort());
            }
            export = e;
            options = o;
            exportRoot = root;
            caller = o.squash(call.credential());
        } else if (h.exportId() != export.id()) {
            if (svc.exports().byId(h.exportId()) == null) {
                throw new FsException(FsError.STALE, "unknown export " + h.exportId());
            }
            throw new FsException(FsError.XDEV, "handles of two exports");
        }
        Attributes a = svc.volume().getattr(h.objectId());
        if (a.generation() != h.generation()) throw new FsException(FsError.STALE, "generation changed");
        if (modifies && !options.readWrite()) throw new FsException(FsError.ROFS, "read-only export " + export.path());
        return new Target(h, a);
    }

    /**
     * Fresh attributes for a failure reply's post-op fields: null unless the call passed the
     * client checks and the handle still names a live object. Never throws.
     */
    Attributes postOp(byte[] fh) {
        if (export == null || fh == null) return null;
        try {
            FileHandle h = svc.handles().decode(fh);
            if (h.exportId() != export.id()) return null;
            Attributes a = svc.volume().getattr(h.objectId());
            return a.generation() == h.generation() ? a : null;
        } catch (FsException | RuntimeException e) {
            return null;
        }
    }

    /** The handle clients get for an object reached through this call's export. */
    byte[] handleOf(Attributes a) {
        return svc.handles().encode(new FileHandle(export.id(), a.fileId(), a.generation()));
    }

    /**
     * {@link #handleOf} as a function of final values only, for code that runs when a volume
     * future completes (possibly on a storage thread). Valid after the first {@link #target}.
     */
    Function<Attributes, byte[]> handleMaker() {
        int exportId = export.id();
        HandleCodec codec = svc.handles();
        return a -> codec.encode(new FileHandle(exportId, a.fileId(), a.generation()));
    }

    /**
     * A name argument: NAMETOOLONG over the volume's limit, INVAL when it is not UTF-8, empty,
     * or holds '/' or NUL.
     */
    String name(byte[] raw) throws FsException {
        if (raw.length > svc.info().maxNameLength()) {
            throw new FsException(FsError.NAMETOOLONG, "name of " + raw.length + " bytes");
        }
        String s = utf8(raw);
        if (s.isEmpty() || s.indexOf('/') >= 0 || s.indexOf('\0') >= 0) {
            throw new FsException(FsError.INVAL, "bad name");
        }
        return s;
    }

    /** A symbolic link target: NAMETOOLONG over {@value #MAX_PATH} bytes, INVAL when not UTF-8, empty or with NUL. */
    String path(byte[] raw) throws FsException {
        if (raw.length > MAX_PATH) throw new FsException(FsError.NAMETOOLONG, "path of " + raw.length + " bytes");
        String s = utf8(raw);
        if (s.isEmpty() || s.indexOf('\0') >= 0) throw new FsException(FsError.INVAL, "bad path");
        return s;
    }

    private static String utf8(byte[] raw) throws FsException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new FsException(FsError.INVAL, "not UTF-8");
        }
    }
}
