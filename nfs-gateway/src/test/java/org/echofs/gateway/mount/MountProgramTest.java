package org.echofs.gateway.mount;

import com.codahale.metrics.MetricRegistry;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.time.ManualClock;
import org.echofs.gateway.export.ExportRoots;
import org.echofs.gateway.export.ExportTable;
import org.echofs.gateway.export.ExportsParser;
import org.echofs.gateway.export.FakeResolver;
import org.echofs.gateway.handle.FileHandle;
import org.echofs.gateway.handle.HandleCodec;
import org.echofs.gateway.nfs3.FakeCall;
import org.echofs.gateway.nfs3.TestVolume;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MOUNT v3 (RFC 1813 appendix I). */
class MountProgramTest {

    static final InetSocketAddress LOCAL = new InetSocketAddress(FakeResolver.addr("127.0.0.1"), 40000);
    static final InetSocketAddress LAN_PRIV = new InetSocketAddress(FakeResolver.addr("192.168.1.9"), 800);
    static final InetSocketAddress LAN_HIGH = new InetSocketAddress(FakeResolver.addr("192.168.1.9"), 40000);
    static final InetSocketAddress STRANGER = new InetSocketAddress(FakeResolver.addr("172.16.0.1"), 700);
    static final Credential ROOT = new Credential.Sys(1, "m", 0, 0, new int[0]);
    static final Credential ALICE = new Credential.Sys(1, "m", 1000, 1000, new int[0]);

    private final TestVolume volume = new TestVolume();
    private final HandleCodec codec = new HandleCodec("mount-test-secret-0123".getBytes(StandardCharsets.US_ASCII));
    private final MetricRegistry metrics = new MetricRegistry();
    private final Queue<Runnable> queued = new ArrayDeque<>();
    private boolean queue;
    private final ExportTable exports;
    private final Map<Integer, Long> roots;
    private final MountProgram program;
    private final long sub;
    private final long file;

    MountProgramTest() throws Exception {
        exports = new ExportsParser(new FakeResolver(), new ManualClock(0)).parse("t",
                "/export -id=1 127.0.0.1(rw,insecure) 192.168.1.0/24(rw)\n/ro -id=2 *(ro,insecure)\n");
        roots = ExportRoots.resolve(volume, exports);
        sub = volume.mkdirs("/export/sub");
        file = volume.file(sub, "file", "x", 0644, 0, 0);
        program = new MountProgram(volume, exports, roots, codec, r -> {
            if (queue) queued.add(r);
            else r.run();
        }, metrics, 3);
    }

    private FakeCall call(int proc, Credential cred, InetSocketAddress from, Consumer<XdrEncoder> args) {
        FakeCall c = new FakeCall(MountProgram.PROGRAM, 3, proc, cred, from, FakeCall.xdr(args));
        program.dispatch(c);
        return c;
    }

    private FakeCall mnt(Credential cred, InetSocketAddress from, String path) {
        return call(MountProgram.MNT, cred, from, e -> e.writeString(path));
    }

    private FakeCall mnt(String path) {
        return mnt(ROOT, LOCAL, path);
    }

    /** Checks a MNT3_OK reply and returns the handle. */
    private FileHandle mounted(FakeCall c) throws Exception {
        XdrDecoder r = c.reply();
        assertEquals(0, r.readInt());
        FileHandle h = codec.decode(r.readOpaque(64));
        assertEquals(1, r.readInt(), "one auth flavor");
        assertEquals(Credential.AUTH_SYS, r.readInt());
        assertEquals(0, r.remaining());
        assertEquals(volume.getattr(h.objectId()).generation(), h.generation());
        return h;
    }

    private void refused(FakeCall c, MountStat3 status) throws Exception {
        XdrDecoder r = c.reply();
        assertEquals(status.code(), r.readInt());
        assertEquals(0, r.remaining());
    }

    @Test
    void nullAnswersVoid() {
        FakeCall c = call(MountProgram.NULL, Credential.NONE, STRANGER, e -> { });
        assertEquals(0, c.body().length);
    }

    @Test
    void mntOfTheExportRoot() throws Exception {
        assertEquals(new FileHandle(1, roots.get(1), volume.getattr(roots.get(1)).generation()), mounted(mnt("/export")));
        assertEquals(roots.get(2), mounted(mnt("/ro")).objectId());
    }

    @Test
    void mntOfADirectoryBelowTheExport() throws Exception {
        FileHandle h = mounted(mnt("/export/sub"));
        assertEquals(1, h.exportId());
        assertEquals(sub, h.objectId());
        assertEquals(sub, mounted(mnt("//export//sub/")).objectId());
    }

    @Test
    void mntWalkErrors() throws Exception {
        refused(mnt("/export/missing"), MountStat3.MNT3ERR_NOENT);
        refused(mnt("/export/sub/file"), MountStat3.MNT3ERR_NOTDIR);
        refused(mnt("/export/sub/file/deeper"), MountStat3.MNT3ERR_NOTDIR);
        refused(mnt("/nope"), MountStat3.MNT3ERR_ACCES);
        refused(mnt("/exported"), MountStat3.MNT3ERR_ACCES);
    }

    @Test
    void mntPathChecks() throws Exception {
        char[] long1025 = new char[1025];
        Arrays.fill(long1025, 'a');
        long1025[0] = '/';
        refused(mnt(new String(long1025)), MountStat3.MNT3ERR_NAMETOOLONG);
        refused(mnt(new String(long1025, 0, 1024)), MountStat3.MNT3ERR_NAMETOOLONG); // one 1023-byte component
        char[] comp = new char[256];
        Arrays.fill(comp, 'b');
        refused(mnt("/export/" + new String(comp)), MountStat3.MNT3ERR_NAMETOOLONG);
        refused(mnt("export"), MountStat3.MNT3ERR_INVAL);
        refused(mnt("/export/../etc"), MountStat3.MNT3ERR_INVAL);
        refused(mnt("/export/./sub"), MountStat3.MNT3ERR_INVAL);
        refused(call(MountProgram.MNT, ROOT, LOCAL, e -> e.writeOpaque(new byte[] {'/', (byte) 0xff})),
                MountStat3.MNT3ERR_INVAL);
    }

    @Test
    void mntClientRules() throws Exception {
        refused(mnt(ROOT, STRANGER, "/export"), MountStat3.MNT3ERR_ACCES);
        mounted(mnt(ROOT, STRANGER, "/ro"));
        refused(mnt(ROOT, LAN_HIGH, "/export"), MountStat3.MNT3ERR_ACCES);
        mounted(mnt(ROOT, LAN_PRIV, "/export"));
        assertEquals(2, metrics.counter("mount.status.MNT3ERR_ACCES").getCount());
    }

    @Test
    void mntWalksAsTheSquashedCaller() throws Exception {
        volume.mkdirs("/export/private/inner");
        long privDir = volume.lookup(TestVolume.ROOT, roots.get(1), "private").fileId();
        volume.setattr(TestVolume.ROOT, privDir, SetAttributes.NONE.withMode(0700), null).join();
        refused(mnt(ALICE, LOCAL, "/export/private/inner"), MountStat3.MNT3ERR_ACCES);
        refused(mnt(ROOT, LOCAL, "/export/private/inner"), MountStat3.MNT3ERR_ACCES); // root_squash
        assertEquals(privDir, mounted(mnt(ROOT, LOCAL, "/export/private")).objectId(), "the last component needs no search");
    }

    @Test
    void mntVolumeErrorsMapThroughTheTable() throws Exception {
        volume.failNext("lookup", FsError.IO);
        refused(mnt("/export/sub"), MountStat3.MNT3ERR_IO);
        for (FsError e : FsError.values()) {
            assertEquals(true, MountStat3.of(e) != null);
        }
        assertEquals(MountStat3.MNT3ERR_NOENT, MountStat3.of(FsError.STALE));
        assertEquals(MountStat3.MNT3ERR_SERVERFAULT, MountStat3.of(FsError.JUKEBOX));
    }

    @Test
    void mntGarbage() {
        FakeCall c = call(MountProgram.MNT, ROOT, LOCAL, e -> e.writeInt(10));
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, c.kind());
        assertEquals(1, metrics.counter("mount.garbage_args").getCount());
    }

    @Test
    void mntRunsOnTheExecutor() throws Exception {
        queue = true;
        FakeCall c = mnt("/export");
        assertFalse(c.isDone());
        queued.poll().run();
        mounted(c);
        FakeCall dump = call(MountProgram.DUMP, ROOT, LOCAL, e -> { });
        assertTrue(dump.isDone(), "DUMP answers inline");
        assertEquals(1, metrics.timer("mount.MNT").getCount());
    }

    @Test
    void mntWithAFullExecutorIsSystemError() {
        MountProgram p = new MountProgram(volume, exports, roots, codec, r -> {
            throw new RejectedExecutionException();
        }, new MetricRegistry());
        FakeCall c = new FakeCall(MountProgram.PROGRAM, 3, MountProgram.MNT, ROOT, LOCAL,
                FakeCall.xdr(e -> e.writeString("/export")));
        p.dispatch(c);
        assertEquals(FakeCall.Kind.SYSTEM_ERR, c.kind());
    }

    record Mount(String host, String dir) { }

    private List<Mount> dump() throws Exception {
        XdrDecoder r = call(MountProgram.DUMP, ROOT, LOCAL, e -> { }).reply();
        List<Mount> out = new ArrayList<>();
        while (r.readBoolean()) out.add(new Mount(r.readString(255), r.readString(1024)));
        assertEquals(0, r.remaining());
        return out;
    }

    @Test
    void dumpUmntUmntall() throws Exception {
        mounted(mnt("/export"));
        mounted(mnt("/export/sub/"));
        mounted(mnt(ROOT, STRANGER, "/ro"));
        mounted(mnt("/export")); // again: listed once
        assertEquals(List.of(new Mount("127.0.0.1", "/export/sub"), new Mount("172.16.0.1", "/ro"),
                new Mount("127.0.0.1", "/export")), dump());
        FakeCall u = call(MountProgram.UMNT, ROOT, LOCAL, e -> e.writeString("/export/sub"));
        assertEquals(0, u.body().length);
        assertEquals(List.of(new Mount("172.16.0.1", "/ro"), new Mount("127.0.0.1", "/export")), dump());
        assertEquals(0, call(MountProgram.UMNTALL, ROOT, LOCAL, e -> { }).body().length);
        assertEquals(List.of(new Mount("172.16.0.1", "/ro")), dump());
        assertEquals(0, call(MountProgram.UMNT, ROOT, LOCAL, e -> e.writeString("/never/mounted")).body().length);
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, call(MountProgram.UMNT, ROOT, LOCAL, e -> e.writeInt(5)).kind());
    }

    @Test
    void mountListIsBounded() throws Exception {
        long a = volume.mkdirs("/export/a");
        long b = volume.mkdirs("/export/b");
        mounted(mnt("/export"));
        mounted(mnt("/export/a"));
        mounted(mnt("/export/b"));
        mounted(mnt("/export/sub"));
        assertEquals(List.of(new Mount("127.0.0.1", "/export/a"), new Mount("127.0.0.1", "/export/b"),
                new Mount("127.0.0.1", "/export/sub")), dump(), "capacity 3: the oldest went");
        assertTrue(a != b);
    }

    @Test
    void exportListsPathsAndClientGroups() throws Exception {
        XdrDecoder r = call(MountProgram.EXPORT, Credential.NONE, STRANGER, e -> { }).reply();
        assertTrue(r.readBoolean());
        assertEquals("/export", r.readString(1024));
        List<String> groups = new ArrayList<>();
        while (r.readBoolean()) groups.add(r.readString(255));
        assertEquals(List.of("127.0.0.1", "192.168.1.0/24"), groups);
        assertTrue(r.readBoolean());
        assertEquals("/ro", r.readString(1024));
        assertTrue(r.readBoolean());
        assertEquals("*", r.readString(255));
        assertFalse(r.readBoolean());
        assertFalse(r.readBoolean());
        assertEquals(0, r.remaining());
    }

    @Test
    void programFacts() {
        assertEquals(100005, program.program());
        assertEquals(3, program.lowVersion());
        assertEquals(3, program.highVersion());
        assertTrue(program.hasProcedure(3, 5));
        assertFalse(program.hasProcedure(3, 6));
        assertFalse(program.hasProcedure(1, 1));
        assertFalse(program.isNonIdempotent(3, MountProgram.MNT));
        assertEquals("UMNTALL", program.procedureName(3, 4));
        FakeCall c = new FakeCall(MountProgram.PROGRAM, 3, 9, ROOT, LOCAL, new byte[0]);
        program.dispatch(c);
        assertEquals(FakeCall.Kind.PROC_UNAVAIL, c.kind());
        assertEquals(file, file);
    }
}
