package org.echofs.gateway.nfs3;

import org.echofs.core.fs.FsError;
import org.echofs.gateway.xdr.XdrDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import static org.echofs.gateway.nfs3.Nfs3Fixture.LOCAL;
import static org.echofs.gateway.nfs3.Nfs3Fixture.ROOT;
import static org.echofs.gateway.nfs3.Nfs3Fixture.dirop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared plumbing: threads, argument decoding, exceptions, metrics, program facts. */
class Nfs3DispatchTest {

    private final Nfs3Fixture f = new Nfs3Fixture();

    private FakeCall raw(Nfs3Proc p, byte[] args) {
        FakeCall c = new FakeCall(Nfs3Program.PROGRAM, 3, p.ordinal(), ROOT, LOCAL, args);
        f.program.dispatch(c);
        return c;
    }

    @ParameterizedTest
    @EnumSource(value = Nfs3Proc.class, names = "NULL", mode = EnumSource.Mode.EXCLUDE)
    void everyProcedureAnswersWellFormedArguments(Nfs3Proc p) throws Exception {
        ValidArgs v = new ValidArgs(f);
        FakeCall c = raw(p, v.bytes(p));
        assertEquals(FakeCall.Kind.SUCCESS, c.kind());
        int status = c.reply().readInt();
        Set<Nfs3Proc> failing = EnumSet.of(Nfs3Proc.READLINK); // the file is not a link
        if (failing.contains(p)) {
            assertEquals(NfsStat3.NFS3ERR_INVAL.code(), status);
        } else {
            assertEquals(0, status, p.name());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Nfs3Proc.class, names = "NULL", mode = EnumSource.Mode.EXCLUDE)
    void everyTruncationIsGarbageArgs(Nfs3Proc p) {
        ValidArgs v = new ValidArgs(f);
        byte[] full = v.bytes(p);
        for (int len = 0; len < full.length; len++) {
            FakeCall c = raw(p, Arrays.copyOf(full, len));
            assertEquals(FakeCall.Kind.GARBAGE_ARGS, c.kind(), p + " cut to " + len + " of " + full.length);
        }
        assertTrue(f.count("nfs.garbage_args") >= full.length);
    }

    @Test
    void nullAnswersInlineEvenWhenWorkersAreBusy() throws Exception {
        f.queue = true;
        FakeCall c = raw(Nfs3Proc.NULL, new byte[0]);
        assertTrue(c.isDone());
        assertEquals(0, c.body().length);
        assertEquals(1, f.metrics.timer("nfs.NULL").getCount());
    }

    @Test
    void storageWorkRunsOnTheExecutorNotTheCallingThread() throws Exception {
        ValidArgs v = new ValidArgs(f);
        f.queue = true;
        FakeCall c = raw(Nfs3Proc.GETATTR, v.bytes(Nfs3Proc.GETATTR));
        assertFalse(c.isDone(), "nothing may happen on the I/O thread");
        assertEquals(1, f.queued.size());
        f.drain();
        assertEquals(0, c.reply().readInt());
    }

    @Test
    void garbageIsAnsweredOnTheCallingThread() {
        f.queue = true;
        FakeCall c = raw(Nfs3Proc.GETATTR, new byte[] {0, 0, 0});
        assertTrue(c.isDone());
        assertEquals(FakeCall.Kind.GARBAGE_ARGS, c.kind());
        assertTrue(f.queued.isEmpty());
    }

    @Test
    void updatesReplyWhenTheirFutureCompletesWithoutHoldingAWorker() throws Exception {
        ValidArgs v = new ValidArgs(f);
        f.queue = true;
        f.volume.deferUpdates(true);
        FakeCall ok = raw(Nfs3Proc.MKDIR, v.bytes(Nfs3Proc.MKDIR));
        FakeCall refused = raw(Nfs3Proc.MKDIR, v.bytes(Nfs3Proc.MKDIR)); // same name: EXIST
        f.drain();
        assertFalse(ok.isDone());
        assertFalse(refused.isDone());
        assertTrue(f.queued.isEmpty(), "the workers returned");
        f.volume.releaseDeferred();
        f.drain(); // completion work goes back to the executor
        assertEquals(0, ok.reply().readInt());
        XdrDecoder r = refused.reply();
        assertEquals(NfsStat3.NFS3ERR_EXIST.code(), r.readInt());
        Replies.WccData w = Replies.wcc(r);
        assertTrue(w.after() != null, "failure wcc carries fresh post-op attributes");
    }

    @Test
    void realThreadPool() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "nfs-worker"));
        try {
            Nfs3Fixture g = new Nfs3Fixture();
            Nfs3Program p = new Nfs3Program(g.volume, g.exports, g.roots, g.codec, g.epoch, pool, Nfs3Config.DEFAULTS,
                    g.metrics);
            ValidArgs v = new ValidArgs(g);
            FakeCall c = new FakeCall(Nfs3Program.PROGRAM, 3, Nfs3Proc.WRITE.ordinal(), ROOT, LOCAL,
                    v.bytes(Nfs3Proc.WRITE));
            p.dispatch(c);
            assertEquals(0, c.reply().readInt());
            assertEquals("nfs-worker", c.replyThread());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fullExecutorAnswersJukebox() throws Exception {
        Nfs3Fixture g = new Nfs3Fixture();
        Nfs3Program p = new Nfs3Program(g.volume, g.exports, g.roots, g.codec, g.epoch, r -> {
            throw new RejectedExecutionException("full");
        }, Nfs3Config.DEFAULTS, g.metrics);
        ValidArgs v = new ValidArgs(g);
        FakeCall c = new FakeCall(Nfs3Program.PROGRAM, 3, Nfs3Proc.LOOKUP.ordinal(), ROOT, LOCAL,
                v.bytes(Nfs3Proc.LOOKUP));
        p.dispatch(c);
        XdrDecoder r = c.reply();
        assertEquals(NfsStat3.NFS3ERR_JUKEBOX.code(), r.readInt());
        assertEquals(null, Replies.postOpAttr(r));
        assertEquals(0, r.remaining());
        assertEquals(1, g.count("nfs.rejected"));
        assertEquals(1, g.count("nfs.status.NFS3ERR_JUKEBOX"));
    }

    @Test
    void unexpectedExceptionsBecomeServerFault() throws Exception {
        ValidArgs v = new ValidArgs(f);
        f.volume.crashNext("lookup");
        XdrDecoder r = raw(Nfs3Proc.LOOKUP, v.bytes(Nfs3Proc.LOOKUP)).reply();
        assertEquals(NfsStat3.NFS3ERR_SERVERFAULT.code(), r.readInt());
        Replies.Fattr dir = Replies.postOpAttr(r);
        assertEquals(f.root(), dir.fileId(), "the failure arm still carries the directory");
        assertEquals(1, f.count("nfs.server_fault"));
    }

    @Test
    void anErrorFromAHandlerIsServerFaultAndTheWorkerThreadLivesOn() throws Exception {
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            threads.incrementAndGet();
            return new Thread(r, "nfs-worker");
        });
        try {
            Nfs3Fixture g = new Nfs3Fixture();
            Nfs3Program p = new Nfs3Program(g.volume, g.exports, g.roots, g.codec, g.epoch, pool, Nfs3Config.DEFAULTS,
                    g.metrics);
            ValidArgs v = new ValidArgs(g);
            g.volume.errorNext("lookup", new NoClassDefFoundError("org/echofs/Missing (injected)"));
            FakeCall c = new FakeCall(Nfs3Program.PROGRAM, 3, Nfs3Proc.LOOKUP.ordinal(), ROOT, LOCAL,
                    v.bytes(Nfs3Proc.LOOKUP));
            p.dispatch(c);
            XdrDecoder r = c.reply();
            assertEquals(NfsStat3.NFS3ERR_SERVERFAULT.code(), r.readInt());
            assertEquals(g.root(), Replies.postOpAttr(r).fileId(), "the failure arm still carries the directory");
            assertEquals(1, g.count("nfs.server_fault"));
            awaitCount(g, "nfs.status.NFS3ERR_SERVERFAULT", 1); // counted just after the reply went out

            // The failure arm fails too: SYSTEM_ERR, still counted, still on the same worker.
            // (the handler's first getattr, then the failure arm's)
            g.volume.errorNext("getattr", new NoClassDefFoundError("org/echofs/Missing (injected)"));
            g.volume.errorNext("getattr", new ExceptionInInitializerError("injected"));
            FakeCall worse = new FakeCall(Nfs3Program.PROGRAM, 3, Nfs3Proc.LOOKUP.ordinal(), ROOT, LOCAL,
                    v.bytes(Nfs3Proc.LOOKUP));
            p.dispatch(worse);
            assertEquals(FakeCall.Kind.SYSTEM_ERR, worse.kind());
            assertEquals(3, g.count("nfs.server_fault"));

            FakeCall next = new FakeCall(Nfs3Program.PROGRAM, 3, Nfs3Proc.GETATTR.ordinal(), ROOT, LOCAL,
                    v.bytes(Nfs3Proc.GETATTR));
            p.dispatch(next);
            assertEquals(0, next.reply().readInt());
            assertEquals("nfs-worker", next.replyThread());
            assertEquals(1, threads.get(), "the worker thread survived both Errors");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitCount(Nfs3Fixture g, String metric, long want) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (g.count(metric) != want && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(want, g.count(metric), metric);
    }

    @Test
    void unknownProcedureAndVersion() {
        FakeCall c = new FakeCall(Nfs3Program.PROGRAM, 3, 22, ROOT, LOCAL, new byte[0]);
        f.program.dispatch(c);
        assertEquals(FakeCall.Kind.PROC_UNAVAIL, c.kind());
        assertFalse(f.program.hasProcedure(3, 22));
        assertFalse(f.program.hasProcedure(2, 1));
        assertTrue(f.program.hasProcedure(3, 21));
        assertEquals(100003, f.program.program());
        assertEquals(3, f.program.lowVersion());
        assertEquals(3, f.program.highVersion());
        assertEquals("READDIRPLUS", f.program.procedureName(3, 17));
    }

    @Test
    void nonIdempotentProceduresFollowLinuxNfsd() {
        Set<Nfs3Proc> expected = EnumSet.of(Nfs3Proc.SETATTR, Nfs3Proc.WRITE, Nfs3Proc.CREATE, Nfs3Proc.MKDIR,
                Nfs3Proc.SYMLINK, Nfs3Proc.MKNOD, Nfs3Proc.REMOVE, Nfs3Proc.RMDIR, Nfs3Proc.RENAME, Nfs3Proc.LINK);
        for (Nfs3Proc p : Nfs3Proc.values()) {
            assertEquals(expected.contains(p), f.program.isNonIdempotent(3, p.ordinal()), p.name());
        }
    }

    @Test
    void metricsPerProcedureStatusAndBytes() throws Exception {
        ValidArgs v = new ValidArgs(f);
        raw(Nfs3Proc.READ, v.bytes(Nfs3Proc.READ)).reply();
        raw(Nfs3Proc.WRITE, v.bytes(Nfs3Proc.WRITE)).reply();
        raw(Nfs3Proc.LOOKUP, FakeCall.xdr(e -> dirop(e, f.fh(f.root()), "missing"))).reply();
        assertEquals(1, f.metrics.timer("nfs.READ").getCount());
        assertEquals(1, f.metrics.timer("nfs.WRITE").getCount());
        assertEquals(1, f.metrics.timer("nfs.LOOKUP").getCount());
        assertEquals(5, f.count("nfs.bytes.read"));
        assertEquals(3, f.count("nfs.bytes.written"));
        assertEquals(1, f.count("nfs.status.NFS3ERR_NOENT"));
        assertEquals(0, f.count("nfs.status.NFS3ERR_IO"));
    }

    @Test
    void aRegistryThatAlreadyHasAnotherMetricOfTheNameFailsAtConstruction() {
        Nfs3Fixture g = new Nfs3Fixture();
        com.codahale.metrics.MetricRegistry clash = new com.codahale.metrics.MetricRegistry();
        clash.counter("nfs.GETATTR");
        try {
            new Nfs3Program(g.volume, g.exports, g.roots, g.codec, g.epoch, Runnable::run, Nfs3Config.DEFAULTS, clash);
            throw new AssertionError("expected a failure at construction");
        } catch (IllegalArgumentException expected) {
            assertNotEquals(null, expected.getMessage());
        }
    }

    @Test
    void injectedVolumeErrorsMapThroughTheTable() throws Exception {
        ValidArgs v = new ValidArgs(f);
        for (FsError e : FsError.values()) {
            f.volume.failNext("readdir", e);
            XdrDecoder r = raw(Nfs3Proc.READDIR, v.bytes(Nfs3Proc.READDIR)).reply();
            assertEquals(e.code(), r.readInt(), e.name());
            assertEquals(f.root(), Replies.postOpAttr(r).fileId());
            assertEquals(0, r.remaining());
        }
    }
}
