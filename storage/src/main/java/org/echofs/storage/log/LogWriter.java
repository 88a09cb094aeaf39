package org.echofs.storage.log;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends records to the write-ahead log with group commit. One writer thread takes every
 * queued record, writes them all, forces the segment once, and then completes the futures of
 * all those records on the completion executor (never on the writer thread, never on the
 * appender's thread). Concurrent appenders therefore share syncs.
 *
 * <p>Segments are preallocated with zeros ({@code segmentBytes} each) and a spare segment is
 * kept ready, so an append never needs new disk space. When no spare could be preallocated and
 * the current segment is full, {@link #hasRoomFor} says no, and the caller refuses the update
 * (NOSPC); preallocation is retried on later attempts.
 *
 * <p>Threads: {@link #hasRoomFor} and {@link #append} must be called by one appender at a time
 * (the engine's update lock); {@link #durable} and the other methods from any thread. When a
 * write or sync fails, the writer stops: pending and later futures fail with {@link FsError#IO}.
 */
public final class LogWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    private static final int BUFFER_BYTES = 1 << 20;

    private record Pending(long lsn, byte[] payload, boolean newSegment) { }

    private record Waiter(long lsn, CompletableFuture<Void> future) { }

    private final Path dir;
    private final long segmentBytes;
    private final Executor completions;
    private final ExecutorService maintenance;
    private final Runnable onRoll;

    private final Counter appends;
    private final Counter appendedBytes;
    private final Counter syncs;
    private final Counter preallocFailures;
    private final Counter rolls;
    private final Histogram recordsPerSync;
    private final Timer syncLatency;

    // appender side, guarded by the caller's exclusion
    private long logicalRemaining;
    private long lastAppended;
    private final AtomicBoolean spareReady = new AtomicBoolean();
    private final Clock clock;
    private CompletableFuture<Void> preallocation = CompletableFuture.completedFuture(null); // guarded by this
    private volatile boolean preallocFailed;
    private volatile long lastPreallocFailure;
    private static final long PREALLOC_RETRY_NANOS = 1_000_000_000L;

    // hand-over queue
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queueNotEmpty = queueLock.newCondition();
    private ArrayList<Pending> queue = new ArrayList<>();
    private ArrayList<Pending> drained = new ArrayList<>();
    private boolean stopping;
    private boolean abandoned;

    // writer thread state
    private final Thread writer;
    private FileChannel current;
    private long position;
    private long seq;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private long bufferStart;
    private final ByteBuffer frameHeader = ByteBuffer.allocate(LogFormat.FRAME_OVERHEAD);
    private final CRC32C crc = new CRC32C();
    private final List<LogRecovery.Segment> segments; // guarded by itself
    private LogRecovery.Segment currentSegment;

    // durability
    private volatile long durableLsn;
    private volatile Throwable failure;
    private final Object waitLock = new Object();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(Comparator.comparingLong(Waiter::lsn));

    /**
     * Opens the log for appending where recovery left it.
     *
     * @param recovered    what {@link LogRecovery#recover} found in {@code dir}
     * @param durableLsn   the highest LSN already durable (LSNs up to it complete at once)
     * @param completions  runs future completions
     * @param clock        paces retries of a failed preallocation
     * @param onRoll       called (on the writer thread; must not block) after moving to a new segment
     */
    public LogWriter(Path dir, LogRecovery.Result recovered, long durableLsn, long segmentBytes, Executor completions,
                     MetricRegistry metrics, Clock clock, Runnable onRoll) throws IOException {
        this.dir = dir;
        this.clock = clock;
        this.segmentBytes = segmentBytes;
        this.completions = completions;
        this.onRoll = onRoll;
        this.durableLsn = durableLsn;
        this.lastAppended = durableLsn;
        this.appends = metrics.counter("storage.log.appends");
        this.appendedBytes = metrics.counter("storage.log.bytes");
        this.syncs = metrics.counter("storage.log.syncs");
        this.preallocFailures = metrics.counter("storage.log.prealloc-failures");
        this.rolls = metrics.counter("storage.log.rolls");
        this.recordsPerSync = metrics.histogram("storage.log.records-per-sync");
        this.syncLatency = metrics.timer("storage.log.sync-latency");
        this.segments = new ArrayList<>(recovered.segments());
        if (segments.isEmpty()) {
            seq = 1;
            Path p = LogFormat.segmentPath(dir, seq);
            createSegment(p, seq);
            segments.add(new LogRecovery.Segment(seq, p, -1));
            position = LogFormat.HEADER_BYTES;
        } else {
            LogRecovery.Segment last = segments.get(segments.size() - 1);
            seq = last.seq;
            position = recovered.position();
        }
        currentSegment = segments.get(segments.size() - 1);
        current = FileChannel.open(currentSegment.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        logicalRemaining = current.size() - position;
        this.maintenance = Executors.newSingleThreadExecutor(r -> daemon(r, "echofs-log-prealloc"));
        Path spare = dir.resolve(LogFormat.SPARE);
        if (Files.exists(spare) && Files.size(spare) == segmentBytes) {
            spareReady.set(true);
        } else {
            Files.deleteIfExists(spare);
            preallocate();
        }
        metrics.remove("storage.log.segments");
        metrics.register("storage.log.segments", (Gauge<Integer>) this::segmentCount);
        metrics.remove("storage.log.durable-lsn");
        metrics.register("storage.log.durable-lsn", (Gauge<Long>) () -> this.durableLsn);
        this.writer = daemon(this::run, "echofs-log-writer");
        writer.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void createSegment(Path path, long number) throws IOException {
        Path tmp = dir.resolve(LogFormat.SPARE_TMP);
        Files.deleteIfExists(tmp);
        LogFormat.preallocate(tmp, segmentBytes);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            LogFormat.writeFully(ch, LogFormat.header(number), 0);
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        LogFormat.syncDirectory(dir);
    }

    // ------------------------------------------------------------------ appender side

    /**
     * True when a record of {@code payloadBytes} bytes can be appended now without new disk
     * space. When the current segment is full and the spare is still being preallocated, waits
     * for that; when preallocation failed, starts a new attempt (at most one a second) and says
     * no.
     */
    public boolean hasRoomFor(int payloadBytes) {
        long frame = LogFormat.FRAME_OVERHEAD + (long) payloadBytes;
        if (frame <= logicalRemaining) return true;
        if (spareReady.get()) return true;
        CompletableFuture<Void> running;
        synchronized (this) {
            running = preallocation;
        }
        if (!running.isDone()) {
            running.join();
            if (spareReady.get()) return true;
        }
        if (!preallocFailed || clock.monotonicNanos() - lastPreallocFailure >= PREALLOC_RETRY_NANOS) retryPreallocation();
        return false;
    }

    /**
     * Queues a record for writing. Requires {@link #hasRoomFor} to have said yes for this record
     * and {@code lsn} to be greater than every earlier LSN.
     */
    public void append(long lsn, byte[] payload) {
        if (lsn <= lastAppended) throw new IllegalArgumentException("LSN " + lsn + " after " + lastAppended);
        long frame = LogFormat.FRAME_OVERHEAD + (long) payload.length;
        boolean newSegment = false;
        if (frame > logicalRemaining) {
            if (!spareReady.compareAndSet(true, false)) {
                throw new IllegalStateException("no log space for LSN " + lsn + " (hasRoomFor was not asked)");
            }
            newSegment = true;
            logicalRemaining = segmentBytes - LogFormat.HEADER_BYTES;
            synchronized (this) {
                preallocation = new CompletableFuture<>(); // completed by the writer once it rolled and preallocated
            }
        }
        logicalRemaining -= frame;
        lastAppended = lsn;
        appends.inc();
        appendedBytes.inc(frame);
        queueLock.lock();
        try {
            queue.add(new Pending(lsn, payload, newSegment));
            queueNotEmpty.signal();
        } finally {
            queueLock.unlock();
        }
    }

    /** The LSN of the last appended record (or the durable LSN given at start). */
    public long lastAppendedLsn() {
        return lastAppended;
    }

    // ------------------------------------------------------------------ durability

    /** The highest LSN known to be on disk. */
    public long durableLsn() {
        return durableLsn;
    }

    /** The failure that stopped the writer, or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * A future that completes (on the completion executor, or at once when already true) when
     * every record up to {@code lsn} is on disk, or fails with {@link FsError#IO} when the log
     * fails first.
     */
    public CompletableFuture<Void> durable(long lsn) {
        if (lsn <= durableLsn) return CompletableFuture.completedFuture(null);
        synchronized (waitLock) {
            if (lsn <= durableLsn) return CompletableFuture.completedFuture(null);
            Throwable f = failure;
            if (f != null) return CompletableFuture.failedFuture(ioError(f));
            CompletableFuture<Void> future = new CompletableFuture<>();
            waiters.add(new Waiter(lsn, future));
            return future;
        }
    }

    /**
     * Blocks until every record up to {@code lsn} is on disk. Woken by the writer thread itself,
     * so it does not depend on the completion executor (callers may hold locks that completion
     * continuations want).
     *
     * @throws FsException with {@link FsError#IO} when the log fails first or the wait is interrupted
     */
    public void awaitDurable(long lsn) throws FsException {
        synchronized (waitLock) {
            while (durableLsn < lsn) {
                if (failure != null) throw ioError(failure);
                try {
                    waitLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FsException(FsError.IO, "interrupted while waiting for the update log");
                }
            }
        }
    }

    private static FsException ioError(Throwable f) {
        return new FsException(FsError.IO, "the update log failed: " + f.getMessage(), f);
    }

    private void completeUpTo(long lsn) {
        List<CompletableFuture<Void>> ready = null;
        synchronized (waitLock) {
            waitLock.notifyAll();
            while (!waiters.isEmpty() && waiters.peek().lsn <= lsn) {
                if (ready == null) ready = new ArrayList<>();
                ready.add(waiters.poll().future);
            }
        }
        if (ready == null) return;
        List<CompletableFuture<Void>> list = ready;
        Runnable task = () -> {
            for (CompletableFuture<Void> f : list) f.complete(null);
        };
        try {
            completions.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    private void failAll(Throwable cause) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        synchronized (waitLock) {
            failure = cause;
            waitLock.notifyAll();
            while (!waiters.isEmpty()) all.add(waiters.poll().future);
        }
        FsException e = ioError(cause);
        Runnable task = () -> {
            for (CompletableFuture<Void> f : all) f.completeExceptionally(e);
        };
        try {
            completions.execute(task);
        } catch (RejectedExecutionException r) {
            task.run();
        }
    }

    // ------------------------------------------------------------------ writer thread

    private void run() {
        try {
            while (true) {
                List<Pending> batch = take();
                if (batch == null) return;
                Timer.Context timing = syncLatency.time();
                writeBatch(batch);
                current.force(false);
                timing.stop();
                long last = batch.get(batch.size() - 1).lsn;
                syncs.inc();
                recordsPerSync.update(batch.size());
                durableLsn = last;
                batch.clear();
                completeUpTo(last);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("the update log failed; no further updates are accepted", e);
            failAll(e);
        }
    }

    private List<Pending> take() {
        queueLock.lock();
        try {
            while (queue.isEmpty() && !stopping) {
                queueNotEmpty.awaitUninterruptibly();
            }
            if (abandoned || queue.isEmpty()) return null;
            ArrayList<Pending> batch = queue;
            queue = drained;
            drained = batch;
            return batch;
        } finally {
            queueLock.unlock();
        }
    }

    private void writeBatch(List<Pending> batch) throws IOException {
        buffer.clear();
        bufferStart = position;
        for (Pending p : batch) {
            if (p.newSegment) roll(p.lsn);
            int len = p.payload.length;
            int frame = LogFormat.FRAME_OVERHEAD + len;
            if (buffer.remaining() < frame) flushBuffer();
            frameHeader.clear();
            frameHeader.putInt(len).putInt(LogFormat.crc(crc, p.lsn, p.payload, 0, len)).putLong(p.lsn).flip();
            buffer.put(frameHeader).put(p.payload);
            position += frame;
            if (currentSegment.firstLsn < 0) currentSegment.firstLsn = p.lsn;
        }
        flushBuffer();
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        LogFormat.writeFully(current, buffer, bufferStart);
        buffer.clear();
        bufferStart = position;
    }

    private void roll(long firstLsn) throws IOException {
        flushBuffer();
        current.force(false);
        current.close();
        long next = seq + 1;
        Path path = LogFormat.segmentPath(dir, next);
        Files.move(dir.resolve(LogFormat.SPARE), path, StandardCopyOption.ATOMIC_MOVE);
        current = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        LogFormat.writeFully(current, LogFormat.header(next), 0);
        LogFormat.syncDirectory(dir);
        seq = next;
        position = LogFormat.HEADER_BYTES;
        bufferStart = position;
        currentSegment = new LogRecovery.Segment(next, path, firstLsn);
        synchronized (segments) {
            segments.add(currentSegment);
        }
        rolls.inc();
        CompletableFuture<Void> spareMade;
        synchronized (this) {
            spareMade = preallocation;
        }
        try {
            maintenance.execute(() -> {
                preallocate();
                spareMade.complete(null);
            });
        } catch (RejectedExecutionException e) {
            spareMade.complete(null);
        }
        onRoll.run();
    }

    // ------------------------------------------------------------------ spare segment

    /**
     * Starts preallocating the spare segment unless it is ready or being made. The future
     * completes when the spare is ready or the attempt has failed.
     */
    public synchronized CompletableFuture<Void> retryPreallocation() {
        if (spareReady.get()) return CompletableFuture.completedFuture(null);
        if (!preallocation.isDone()) return preallocation;
        try {
            preallocation = CompletableFuture.runAsync(this::preallocate, maintenance);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
        return preallocation;
    }

    private void preallocate() {
        Path tmp = dir.resolve(LogFormat.SPARE_TMP);
        try {
            Files.deleteIfExists(tmp);
            LogFormat.preallocate(tmp, segmentBytes);
            Files.move(tmp, dir.resolve(LogFormat.SPARE), StandardCopyOption.ATOMIC_MOVE);
            LogFormat.syncDirectory(dir);
            preallocFailed = false;
            spareReady.set(true);
        } catch (IOException e) {
            lastPreallocFailure = clock.monotonicNanos();
            preallocFailed = true;
            preallocFailures.inc();
            LOG.warn("cannot preallocate the next log segment ({} bytes) in {}: {}", segmentBytes, dir, e.toString());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // left for the next attempt or start-up to delete
            }
        }
    }

    /** True when the spare segment is preallocated. */
    public boolean spareReady() {
        return spareReady.get();
    }

    // ------------------------------------------------------------------ segments

    /** The number of segment files. */
    public int segmentCount() {
        synchronized (segments) {
            return segments.size();
        }
    }

    /**
     * Deletes the segments whose records all have LSNs up to {@code lsn} (never the segment being
     * appended to). Call only when everything up to {@code lsn} is durable elsewhere.
     *
     * @return the number of segments deleted
     */
    public int deleteSegmentsThrough(long lsn) throws IOException {
        int deleted = 0;
        while (true) {
            LogRecovery.Segment first;
            synchronized (segments) {
                if (segments.size() < 2) break;
                LogRecovery.Segment second = segments.get(1);
                if (second.firstLsn < 0 || second.firstLsn - 1 > lsn) break;
                first = segments.remove(0);
            }
            Files.deleteIfExists(first.path);
            deleted++;
        }
        if (deleted > 0) LogFormat.syncDirectory(dir);
        return deleted;
    }

    // ------------------------------------------------------------------ shutdown

    /** Writes and syncs everything queued, then stops the writer and closes the segment. */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops at once, as a crash would: queued records that are not written yet are dropped and
     * their futures fail. For tests of recovery.
     */
    public void abandon() {
        stop(true);
        failAll(new IOException("the log was abandoned"));
    }

    private void stop(boolean abandon) {
        queueLock.lock();
        try {
            stopping = true;
            abandoned = abandon;
            queueNotEmpty.signalAll();
        } finally {
            queueLock.unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        maintenance.shutdown();
        try {
            maintenance.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            current.close();
        } catch (IOException e) {
            LOG.warn("closing the log segment failed", e);
        }
    }
}
