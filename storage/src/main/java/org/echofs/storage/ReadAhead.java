package org.echofs.storage;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-ahead for sequential readers of a data file: when a file is read front to back, one
 * background thread reads the next {@code window} bytes into the page cache, so that the
 * reader's own reads find their data there instead of waiting for the device.
 *
 * <p>Why not leave this to the kernel: its read-ahead follows the reads of one open file, and
 * with one large read at a time, each waiting for the client, its window is often used up or
 * dropped, so that long stretches of reads go to the device one by one (measured: runs of
 * dozens of 1 MiB reads at 3 ms each, against 0.1 ms from the page cache).
 *
 * <p>A reader counts as sequential on its third read in a row that is at least {@link #MIN_READ}
 * bytes and starts within four read lengths of where the previous one ended (so that a few
 * reads in flight at once, arriving out of order, still count). The background thread reads
 * through the data file's open channel into one reused buffer and drops the data: only the
 * page cache keeps it. At most one read-ahead per file runs at a time, and at most
 * {@link #QUEUE} wait; more are skipped.
 *
 * <p>Threads: {@link #onRead} may be called from any thread; per-file state is guarded by
 * the {@link DataStore.Handle}.
 */
final class ReadAhead implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadAhead.class);
    /** Reads shorter than this neither start nor continue a sequential run. */
    static final int MIN_READ = 32 << 10;
    /** Read-aheads waiting for the thread at most; more are skipped. */
    static final int QUEUE = 16;
    private static final int CHUNK = 1 << 20;

    /** Per-file state; lives in the {@link DataStore.Handle}, guarded by it. */
    static final class State {
        /** Where the last read ended; -1 before the first. */
        long lastEnd = -1;
        /** Sequential reads in a row. */
        int run;
        /** The page cache holds (or is being given) the data up to here. */
        long aheadTo;
        /** A read-ahead of this file is queued or running. */
        boolean busy;
    }

    /** Takes a reference to a handle for the background read and gives it back. */
    interface Refs {
        void retain(DataStore.Handle h);

        void release(DataStore.Handle h);
    }

    private final int window;
    private final Refs refs;
    private final ThreadPoolExecutor thread;
    private final ByteBuffer scratch;
    private volatile boolean stopped;
    private final Counter started;
    private final Counter bytes;
    private final Counter skipped;

    /** {@code window} 0 turns read-ahead off (no thread is started). */
    ReadAhead(int window, Refs refs, MetricRegistry metrics) {
        this.window = window;
        this.refs = refs;
        this.started = metrics.counter("storage.data.read-ahead.started");
        this.bytes = metrics.counter("storage.data.read-ahead.bytes");
        this.skipped = metrics.counter("storage.data.read-ahead.skipped");
        if (window > 0) {
            thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "echofs-storage-read-ahead");
                t.setDaemon(true);
                return t;
            });
            scratch = ByteBuffer.allocateDirect(CHUNK);
        } else {
            thread = null;
            scratch = null;
        }
    }

    boolean enabled() {
        return thread != null;
    }

    /**
     * Notes a read of {@code count} bytes at {@code pos} of a file of {@code fileSize} bytes
     * through {@code h} (which the caller holds) and, for a sequential reader, starts reading
     * ahead.
     */
    void onRead(DataStore.Handle h, long pos, int count, long fileSize) {
        if (thread == null) return;
        long from;
        long to;
        synchronized (h) {
            State s = h.readAhead;
            long end = pos + count;
            boolean near = s.lastEnd >= 0 && count >= MIN_READ
                    && pos >= s.lastEnd - 4L * count && pos <= s.lastEnd + 4L * count;
            if (!near) s.aheadTo = 0; // a new run (or a jump): what was read ahead before says nothing
            s.run = near ? s.run + 1 : (count >= MIN_READ ? 1 : 0);
            s.lastEnd = end;
            if (s.run < 3 || s.busy || h.closed) return;
            to = Math.min(fileSize, end + window);
            from = Math.max(s.aheadTo, end);
            // only when the window is at least half used up: fewer, larger background reads
            if (to - from < Math.min(window / 2, to - end) || from >= to) return;
            s.busy = true;
        }
        refs.retain(h);
        try {
            thread.execute(() -> readAhead(h, from, to));
            started.inc();
        } catch (RejectedExecutionException e) {
            skipped.inc();
            synchronized (h) {
                h.readAhead.busy = false;
            }
            refs.release(h);
        }
    }

    private void readAhead(DataStore.Handle h, long from, long to) {
        long at = from;
        try {
            while (at < to) {
                if (stopped) break;
                synchronized (h) {
                    if (h.closed) break;
                }
                scratch.clear().limit((int) Math.min(CHUNK, to - at));
                int n = h.channel.read(scratch, at);
                if (n <= 0) break;
                at += n;
                bytes.inc(n);
                synchronized (h) {
                    h.readAhead.aheadTo = Math.max(h.readAhead.aheadTo, at);
                }
            }
        } catch (IOException e) {
            // the file was closed (evicted, deleted) or cannot be read: the reader will see it itself
            LOG.debug("read-ahead of object {} stopped: {}", h.id, e.toString());
        } finally {
            synchronized (h) {
                h.readAhead.busy = false;
            }
            refs.release(h);
        }
    }

    /** Waits until no read-ahead is queued or running (tests). */
    void awaitIdle() throws InterruptedException {
        if (thread == null) return;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getActiveCount() > 0 || !thread.getQueue().isEmpty()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("read-ahead still busy after 30 s");
            Thread.sleep(1);
        }
    }

    @Override
    public void close() {
        if (thread == null) return;
        // no shutdownNow: an interrupt during a read would close the file's shared channel
        stopped = true;
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
