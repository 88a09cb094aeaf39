package org.echofs.gateway.nfs3;

import com.codahale.metrics.MetricRegistry;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.core.time.ManualClock;
import org.echofs.core.writebehind.WriteEpoch;
import org.echofs.gateway.export.ConfigException;
import org.echofs.gateway.export.ExportRoots;
import org.echofs.gateway.export.ExportTable;
import org.echofs.gateway.export.ExportsParser;
import org.echofs.gateway.export.FakeResolver;
import org.echofs.gateway.handle.FileHandle;
import org.echofs.gateway.handle.HandleCodec;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.xdr.XdrEncoder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * An {@link Nfs3Program} over a {@link TestVolume} with two exports: {@code /export} (id 1) and
 * {@code /ro} (id 2), and clients:
 * {@link #LOCAL} rw no_root_squash, {@link #TEN} ro, {@link #LAN_PRIV} rw root_squash (secure),
 * {@link #LAN_HIGH} the same host from an unprivileged port, {@link #STRANGER} no rule.
 */
public final class Nfs3Fixture {

    public static final String EXPORTS = String.join("\n",
            "/export -id=1 127.0.0.1(rw,no_root_squash,insecure) 10.0.0.0/8(ro,insecure) 192.168.1.0/24(rw)",
            "/ro     -id=2 *(ro,insecure,no_root_squash)");

    public static final InetSocketAddress LOCAL = new InetSocketAddress(FakeResolver.addr("127.0.0.1"), 50000);
    public static final InetSocketAddress TEN = new InetSocketAddress(FakeResolver.addr("10.1.2.3"), 40000);
    public static final InetSocketAddress LAN_PRIV = new InetSocketAddress(FakeResolver.addr("192.168.1.5"), 700);
    public static final InetSocketAddress LAN_HIGH = new InetSocketAddress(FakeResolver.addr("192.168.1.5"), 40000);
    public static final InetSocketAddress STRANGER = new InetSocketAddress(FakeResolver.addr("172.16.0.1"), 700);

    public static final Credential ROOT = new Credential.Sys(1, "test", 0, 0, new int[] {0, 10});
    public static final Credential ALICE = new Credential.Sys(1, "test", 1000, 1000, new int[] {1000});
    public static final Credential BOB = new Credential.Sys(1, "test", 2000, 2000, new int[0]);

    public final TestVolume volume = new TestVolume();
    public final HandleCodec codec = new HandleCodec("0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII));
    public final WriteEpoch epoch = new WriteEpoch(1000);
    public final MetricRegistry metrics = new MetricRegistry();
    public final ExportTable exports;
    public final Map<Integer, Long> roots;
    public final Queue<Runnable> queued = new ArrayDeque<>();
    public boolean queue;
    public final Nfs3Program program;

    public Nfs3Fixture() {
        this(Nfs3Config.DEFAULTS);
    }

    public Nfs3Fixture(Nfs3Config config) {
        try {
            exports = new ExportsParser(new FakeResolver(), new ManualClock(0)).parse("test-exports", EXPORTS);
            roots = ExportRoots.resolve(volume, exports);
        } catch (ConfigException | FsException e) {
            throw new AssertionError(e);
        }
        Executor executor = r -> {
            if (queue) queued.add(r);
            else r.run();
        };
        program = new Nfs3Program(volume, exports, roots, codec, epoch, executor, config, metrics);
    }

    /** Runs the work the executor queued, until none is left. */
    public void drain() {
        Runnable r;
        while ((r = queued.poll()) != null) r.run();
    }

    public long root() { return roots.get(1); }

    public long roRoot() { return roots.get(2); }

    /** The handle of an object as export {@code exportId} hands it out. */
    public byte[] fh(int exportId, long id) {
        try {
            Attributes a = volume.getattr(id);
            return codec.encode(new FileHandle(exportId, id, a.generation()));
        } catch (FsException e) {
            throw new AssertionError(e);
        }
    }

    public byte[] fh(long id) { return fh(1, id); }

    public FakeCall call(Nfs3Proc proc, Credential cred, InetSocketAddress from, Consumer<XdrEncoder> args) {
        FakeCall c = new FakeCall(Nfs3Program.PROGRAM, 3, proc.ordinal(), cred, from, FakeCall.xdr(args));
        program.dispatch(c);
        return c;
    }

    /** A call as root from {@link #LOCAL} (rw, no_root_squash). */
    public FakeCall call(Nfs3Proc proc, Consumer<XdrEncoder> args) {
        return call(proc, ROOT, LOCAL, args);
    }

    public long count(String metric) {
        return metrics.counter(metric).getCount();
    }

    public static void dirop(XdrEncoder e, byte[] dir, String name) {
        e.writeOpaque(dir);
        e.writeString(name);
    }

    /** sattr3 setting nothing. */
    public static void noAttrs(XdrEncoder e) {
        for (int i = 0; i < 4; i++) e.writeBoolean(false);
        e.writeInt(0);
        e.writeInt(0);
    }

    /** sattr3 setting only the mode. */
    public static void modeAttrs(XdrEncoder e, int mode) {
        e.writeBoolean(true);
        e.writeInt(mode);
        for (int i = 0; i < 3; i++) e.writeBoolean(false);
        e.writeInt(0);
        e.writeInt(0);
    }
}
