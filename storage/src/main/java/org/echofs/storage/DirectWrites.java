package org.echofs.storage;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Large, aligned writes that bypass the page cache (O_DIRECT).
 *
 * <p>A buffered write copies its data into page-cache pages that the kernel must first allocate
 * (and, on a virtual machine that hands free memory back to its host, fault in from the host),
 * all under the file's inode lock; that copy is most of what a buffered sequential write costs.
 * A direct write hands the data to the device instead, so a bulk write costs one user-space copy
 * into an aligned buffer and no page-cache churn; an unstable write's data is then on the device
 * (its COMMIT still syncs the file, which flushes the device's cache and the file's size).
 * The kernel keeps the page cache coherent: cached pages of the range are written back and
 * dropped before a direct write, so buffered reads and small buffered writes of the same file
 * stay correct. The engine serialises the pwrites to one file, so a direct and a buffered write
 * never race on overlapping bytes.
 *
 * <p>Only writes of at least {@code min} bytes whose offset and length are multiples of
 * {@link StorageConfig#DIRECT_ALIGNMENT} go this way; the data is copied into one of a few
 * aligned buffers (kept for reuse) unless it already lies at an aligned address. When the file
 * system refuses O_DIRECT (EINVAL), direct writes are turned off for good and every write is
 * buffered; when all aligned buffers are in use, that write is buffered.
 *
 * <p>Threads: any thread.
 */
final class DirectWrites {

    private static final Logger LOG = LoggerFactory.getLogger(DirectWrites.class);
    private static final int ALIGN = StorageConfig.DIRECT_ALIGNMENT;
    private static final int CHUNK = StorageConfig.DIRECT_CHUNK;
    /** Aligned buffers at most (each {@link StorageConfig#DIRECT_CHUNK}); more concurrent writes are buffered. */
    static final int MAX_BUFFERS = 8;

    /** Opens a data file for direct writes (a seam for tests). */
    interface Opener {
        FileChannel open(Path path) throws IOException;
    }

    static final Opener O_DIRECT = p -> FileChannel.open(p, StandardOpenOption.WRITE,
            com.sun.nio.file.ExtendedOpenOption.DIRECT);

    private final int min;
    private final Opener opener;
    private volatile boolean enabled;
    private final ArrayBlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(MAX_BUFFERS);
    private final AtomicInteger made = new AtomicInteger();
    private final Counter writes;
    private final Counter bytes;
    private final Counter busy;
    private final Counter refused;

    /** {@code min} 0 turns direct writes off. */
    DirectWrites(int min, Opener opener, MetricRegistry metrics) {
        this.min = min;
        this.opener = opener;
        this.enabled = min > 0;
        this.writes = metrics.counter("storage.data.direct-writes");
        this.bytes = metrics.counter("storage.data.direct-write-bytes");
        this.busy = metrics.counter("storage.data.direct-buffers-busy");
        this.refused = metrics.counter("storage.data.direct-refused");
    }

    /** True while writes may bypass the page cache (false when configured off or refused by the file system). */
    boolean enabled() {
        return enabled;
    }

    /** True when a write of {@code n} bytes at {@code pos} should bypass the page cache. */
    boolean eligible(long pos, int n) {
        return enabled && n >= min && ((pos | n) & (ALIGN - 1)) == 0;
    }

    /**
     * Writes all of {@code src} at {@code pos} of the handle's file with O_DIRECT. Returns false,
     * with {@code src} untouched, when it could not (no aligned buffer free, or the file system
     * refuses O_DIRECT): the caller then writes it buffered. Other I/O errors (a full disk) are
     * thrown as they are.
     */
    boolean write(DataStore.Handle h, Path path, long pos, ByteBuffer src) throws IOException {
        FileChannel ch = channel(h, path);
        if (ch == null) return false;
        int start = src.position();
        int n = src.remaining();
        try {
            if (src.isDirect() && src.alignmentOffset(start, ALIGN) == 0) {
                long at = pos;
                while (src.hasRemaining()) at += ch.write(src, at);
            } else {
                ByteBuffer b = free.poll();
                if (b == null) {
                    if (made.incrementAndGet() > MAX_BUFFERS) {
                        made.decrementAndGet();
                        busy.inc();
                        return false;
                    }
                    b = ByteBuffer.allocateDirect(CHUNK + ALIGN).alignedSlice(ALIGN);
                }
                try {
                    long at = pos;
                    int limit = src.limit();
                    while (src.hasRemaining()) {
                        int piece = Math.min(CHUNK, src.remaining());
                        b.clear();
                        src.limit(src.position() + piece);
                        b.put(src);
                        src.limit(limit);
                        b.flip();
                        while (b.hasRemaining()) at += ch.write(b, at);
                    }
                } finally {
                    free.offer(b);
                }
            }
        } catch (IOException e) {
            if (!isRefusal(e)) throw e;
            refuse(path, e);
            src.position(start);
            return false;
        }
        writes.inc();
        bytes.inc(n);
        return true;
    }

    private FileChannel channel(DataStore.Handle h, Path path) throws IOException {
        synchronized (h) {
            if (h.direct != null) return h.direct;
            if (h.closed) throw new IOException("the data file of object " + h.id + " was closed");
            try {
                h.direct = opener.open(path);
            } catch (UnsupportedOperationException e) {
                refuse(path, new IOException(e.getMessage(), e));
                return null;
            } catch (IOException e) {
                if (!isRefusal(e)) throw e;
                refuse(path, e);
                return null;
            }
            return h.direct;
        }
    }

    /** EINVAL: the file system (or the device) does not take O_DIRECT, or not with this alignment. */
    private static boolean isRefusal(IOException e) {
        return String.valueOf(e.getMessage()).contains("Invalid argument");
    }

    private void refuse(Path path, IOException e) {
        if (enabled) {
            enabled = false;
            refused.inc();
            LOG.info("the file system of {} refuses writes that bypass the page cache ({}); all writes are buffered "
                    + "from now on", path.getParent(), e.getMessage());
        }
    }
}
