package org.echofs.storage;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.echofs.storage.log.LogFormat;

/**
 * Syncs directories in groups, on its own thread: a request names the directories whose new
 * entries must become durable, and its future completes once each of them has been synced by a
 * pass that started after the request was made. Requests that arrive while a pass runs wait for
 * the next pass, which syncs each distinct directory once for all of them (like the log's group
 * commit). The data store asks for a new data file's directories when it creates the file, so
 * the sync usually is done by the time a COMMIT needs it.
 *
 * <p>Threads: {@link #request} from any thread; the syncs run on the syncer's thread, which
 * {@link #close} stops (failing requests still waiting).
 */
final class DirSyncer implements AutoCloseable {

    /** Makes a directory's entries durable. */
    interface Sync {
        void sync(Path dir) throws IOException;
    }

    private final Object lock = new Object();
    private final Sync sync;
    /** The next pass: each directory with the future of its sync (guarded by lock). */
    private Map<Path, CompletableFuture<Void>> next = new LinkedHashMap<>();
    private boolean closed; // guarded by lock
    private final Thread thread;
    private final Counter syncs;
    private final Counter passes;
    private final Timer syncLatency;

    DirSyncer(String threadName, MetricRegistry metrics) {
        this(threadName, metrics, LogFormat::syncDirectory);
    }

    DirSyncer(String threadName, MetricRegistry metrics, Sync sync) {
        this.sync = sync;
        this.syncs = metrics.counter("storage.data.dir-syncs");
        this.passes = metrics.counter("storage.data.dir-sync-passes");
        this.syncLatency = metrics.timer("storage.data.dir-sync-latency");
        metrics.remove("storage.data.dir-sync-queue");
        metrics.register("storage.data.dir-sync-queue", (Gauge<Integer>) this::queued);
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Directories waiting for the next pass. */
    int queued() {
        synchronized (lock) {
            return next.size();
        }
    }

    /** A future that completes when every one of {@code dirs} has been synced after this call. */
    CompletableFuture<Void> request(List<Path> dirs) {
        CompletableFuture<?>[] fs = new CompletableFuture<?>[dirs.size()];
        synchronized (lock) {
            if (closed) return CompletableFuture.failedFuture(new IOException("the directory syncer is closed"));
            for (int i = 0; i < fs.length; i++) fs[i] = next.computeIfAbsent(dirs.get(i), d -> new CompletableFuture<>());
            lock.notifyAll();
        }
        return fs.length == 1 ? fs[0].thenApply(x -> null) : CompletableFuture.allOf(fs);
    }

    private void run() {
        while (true) {
            Map<Path, CompletableFuture<Void>> pass;
            synchronized (lock) {
                while (next.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (closed) {
                    failAll(next);
                    return;
                }
                pass = next;
                next = new LinkedHashMap<>();
            }
            passes.inc();
            for (Map.Entry<Path, CompletableFuture<Void>> e : pass.entrySet()) {
                try {
                    Timer.Context t = syncLatency.time();
                    sync.sync(e.getKey());
                    t.stop();
                    syncs.inc();
                    e.getValue().complete(null);
                } catch (IOException | RuntimeException ex) {
                    e.getValue().completeExceptionally(ex);
                }
            }
        }
    }

    private static void failAll(Map<Path, CompletableFuture<Void>> m) {
        IOException closedError = new IOException("the directory syncer is closed");
        for (CompletableFuture<Void> f : m.values()) f.completeExceptionally(closedError);
        m.clear();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
