package org.echofs.tests.process;

import org.echofs.gateway.mount.MountProgram;
import org.echofs.gateway.nfs3.Nfs3Program;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcClient;
import org.echofs.gateway.rpc.RpcClientConfig;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The few blocking NFS v3 / MOUNT v3 calls the real-process fixtures need (NULL, MNT, GETATTR),
 * over {@link RpcClient}. Stateless. Failures: {@link IOException} for a call that got no reply
 * (timeout, closed connection) or a reply that is not SUCCESS.
 */
public final class RawNfs {

    public static final int NFS = Nfs3Program.PROGRAM;
    public static final int NFS_V3 = 3;
    public static final int MOUNT = MountProgram.PROGRAM;
    public static final int MOUNT_V3 = MountProgram.VERSION;
    public static final int NFS3_OK = 0;
    public static final int NFS3ERR_BADHANDLE = 10001;
    /** NFS v3 procedure numbers used by the tests (RFC 1813). */
    public static final int NULL = 0, GETATTR = 1, LOOKUP = 3, READ = 6, WRITE = 7, CREATE = 8, REMOVE = 12;
    /** ftype3 of a directory. */
    public static final int NF3DIR = 2;
    /** AUTH_SYS root, as libnfs sends it when run as root. */
    public static final Credential ROOT = new Credential.Sys(0, "echofs-tests", 0, 0, new int[0]);

    private RawNfs() {
    }

    /** Connects to {@code server} and sends one NULL call; true if it was answered with SUCCESS. */
    public static boolean ping(InetSocketAddress server, Duration timeout) throws IOException {
        RpcClientConfig cfg = RpcClientConfig.defaults().withConnectTimeout(timeout).withCallTimeout(timeout);
        try (RpcClient c = RpcClient.connect(server, cfg);
             RpcReply r = await(c.call(NFS, NFS_V3, NULL, Credential.NONE, null))) {
            return r.isSuccess();
        }
    }

    /** NFS NULL; throws unless answered with SUCCESS. */
    public static void nullCall(RpcClient c) throws IOException {
        try (RpcReply r = await(c.call(NFS, NFS_V3, NULL, Credential.NONE, null))) {
            requireSuccess(r, "NFS NULL");
        }
    }

    /** MOUNT MNT of {@code path}; the root file handle it returns. Throws unless MNT3_OK. */
    public static byte[] mount(RpcClient c, String path) throws IOException {
        try (RpcReply r = await(c.call(MOUNT, MOUNT_V3, MountProgram.MNT, ROOT, enc -> enc.writeString(path)))) {
            requireSuccess(r, "MNT " + path);
            XdrDecoder d = r.results();
            int status = d.readInt();
            if (status != 0) throw new IOException("MNT " + path + ": mountstat3 " + status);
            return d.readOpaque(64);
        } catch (XdrException e) {
            throw new IOException("MNT " + path + ": malformed reply: " + e.getMessage(), e);
        }
    }

    /** GETATTR of {@code fh}: the nfsstat3, and for NFS3_OK the ftype3 in {@code typeOut[0]} if given. */
    public static int getattr(RpcClient c, byte[] fh, int[] typeOut) throws IOException {
        try (RpcReply r = await(c.call(NFS, NFS_V3, GETATTR, ROOT, enc -> enc.writeOpaque(fh)))) {
            requireSuccess(r, "GETATTR");
            XdrDecoder d = r.results();
            int status = d.readInt();
            if (status == NFS3_OK && typeOut != null && typeOut.length > 0) {
                typeOut[0] = d.readInt();
            }
            return status;
        } catch (XdrException e) {
            throw new IOException("GETATTR: malformed reply: " + e.getMessage(), e);
        }
    }

    private static void requireSuccess(RpcReply r, String what) throws IOException {
        if (!r.isSuccess()) throw new IOException(what + " was answered " + r);
    }

    /** Waits for a call's reply; a failed call (timeout, closed connection) becomes an IOException. */
    public static RpcReply await(CompletableFuture<RpcReply> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(String.valueOf(c), c);
        }
    }
}
