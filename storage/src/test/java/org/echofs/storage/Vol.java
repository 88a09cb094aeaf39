package org.echofs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.Caller;
import org.echofs.core.fs.CreateHow;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;
import org.echofs.core.time.Clock;
import org.echofs.core.time.ManualClock;
import org.junit.jupiter.api.function.Executable;

/** A test volume: an engine on a temporary directory with a manual clock, and shorthands. */
final class Vol implements AutoCloseable {

    static final Caller ROOT = new Caller(0, 0, null);
    static final Caller ALICE = new Caller(1000, 1000, null);
    static final Caller BOB = new Caller(1001, 1001, new int[] {1000});
    static final Caller CAROL = new Caller(1002, 1002, null);
    static final long T0 = 1_700_000_000_000_000_000L;

    final Path dir;
    final ManualClock clock;
    final Clock engineClock;
    MetricRegistry metrics = new MetricRegistry();
    StorageConfig config;
    StorageEngine e;

    Vol(Path dir) throws IOException {
        this(dir, c -> c);
    }

    Vol(Path dir, java.util.function.UnaryOperator<StorageConfig> tweak) throws IOException {
        this.dir = dir;
        this.clock = new ManualClock(T0);
        this.engineClock = clock;
        this.config = tweak.apply(StorageConfig.defaults(dir).withSegmentBytes(256 << 10)
                .withCheckpointInterval(Duration.ZERO).withRoot(0777, 0, 0));
        this.e = StorageEngine.open(config, engineClock, metrics);
    }

    /** Closes cleanly and opens again with a fresh registry. */
    void reopen() throws IOException {
        e.close();
        metrics = new MetricRegistry();
        e = StorageEngine.open(config, engineClock, metrics);
    }

    /** Crashes and opens again with a fresh registry. */
    void crashAndReopen() throws IOException {
        e.crashForTest();
        metrics = new MetricRegistry();
        e = StorageEngine.open(config, engineClock, metrics);
    }

    long root() {
        return e.rootId();
    }

    static <T> T get(CompletableFuture<T> f) throws FsException {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof FsException fe) throw fe;
            throw new AssertionError("unexpected failure", ex.getCause());
        } catch (InterruptedException | TimeoutException ex) {
            throw new AssertionError("update did not complete", ex);
        }
    }

    static FsError err(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof FsException fe) return fe.error();
            throw new AssertionError("unexpected failure", ex.getCause());
        } catch (InterruptedException | TimeoutException ex) {
            throw new AssertionError("update did not complete", ex);
        }
        fail("expected a failure");
        return null;
    }

    static void assertErr(FsError expected, CompletableFuture<?> f) {
        assertEquals(expected, err(f));
    }

    static void assertErr(FsError expected, Executable ex) {
        FsException fe = assertThrows(FsException.class, ex);
        assertEquals(expected, fe.error());
    }

    Attributes file(Caller c, long dir, String name) throws FsException {
        return get(e.create(c, dir, name, CreateHow.GUARDED, SetAttributes.NONE, 0)).object();
    }

    Attributes file(long dir, String name) throws FsException {
        return file(ROOT, dir, name);
    }

    Attributes mkdir(Caller c, long dir, String name) throws FsException {
        return get(e.mkdir(c, dir, name, SetAttributes.NONE)).object();
    }

    Attributes mkdir(long dir, String name) throws FsException {
        return mkdir(ROOT, dir, name);
    }

    void write(Caller c, long id, long off, String text, Stability s) throws FsException {
        get(e.write(c, id, off, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), s));
    }

    void write(long id, long off, byte[] bytes, Stability s) throws FsException {
        get(e.write(ROOT, id, off, ByteBuffer.wrap(bytes), s));
    }

    String readString(long id, long off, int len) throws FsException {
        return new String(read(id, off, len), StandardCharsets.UTF_8);
    }

    byte[] read(long id, long off, int len) throws FsException {
        ByteBuffer b = ByteBuffer.allocate(len);
        int n = e.read(ROOT, id, off, b).count();
        byte[] out = new byte[n];
        b.flip().get(out);
        return out;
    }

    long lookup(long dir, String name) throws FsException {
        return e.lookup(ROOT, dir, name).fileId();
    }

    @Override
    public void close() {
        e.close();
    }
}
