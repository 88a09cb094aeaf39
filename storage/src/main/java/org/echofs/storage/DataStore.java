package org.echofs.storage;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.echofs.storage.log.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data files of regular files: one file per object under {@code data/}, fanned out as
 * {@code data/<id & 0xff>/<(id >> 8) & 0xff>/<id as 16 hex digits>}, created on the first write
 * (no file means all zeros). Open channels are kept in a bounded LRU cache; a channel in use is
 * closed only after its last user releases it.
 *
 * <p>Threads: every method may be called from any thread. Callers order writes, truncates and
 * deletes of one object among themselves (the engine's per-object lock).
 */
final class DataStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataStore.class);

    /** An open data file; {@link #release} it after use. */
    static final class Handle {
        final long id;
        final FileChannel channel;
        /** The same file opened for writes that bypass the page cache; opened on first use. Guarded by this. */
        FileChannel direct;
        /** Set once the channels are closed. Guarded by this. */
        boolean closed;
        /** Where this file is being read and read ahead. Guarded by this. */
        final ReadAhead.State readAhead = new ReadAhead.State();
        private int refs;
        private boolean evicted;

        Handle(long id, FileChannel channel) {
            this.id = id;
            this.channel = channel;
        }
    }

    private final Path dir;
    private final int maxOpen;
    private final LinkedHashMap<Long, Handle> open = new LinkedHashMap<>(64, 0.75f, true);
    /** Directories to sync before a new data file's data counts as durable. */
    private final ConcurrentHashMap<Long, List<Path>> pendingDirSyncs = new ConcurrentHashMap<>();
    private final Counter fsyncs;
    private final Timer fsyncLatency;
    private final DirectWrites direct;
    private final ReadAhead readAhead;
    private boolean closed;

    /**
     * {@code directWriteMin} as {@link StorageConfig#directWriteMin()} (0: every write buffered),
     * {@code readAheadBytes} as {@link StorageConfig#readAheadBytes()} (0: no read-ahead).
     */
    DataStore(Path dir, int maxOpen, int directWriteMin, int readAheadBytes, MetricRegistry metrics) {
        this(dir, maxOpen, new DirectWrites(directWriteMin, DirectWrites.O_DIRECT, metrics), readAheadBytes, metrics);
    }

    DataStore(Path dir, int maxOpen, DirectWrites direct, int readAheadBytes, MetricRegistry metrics) {
        this.dir = dir;
        this.maxOpen = maxOpen;
        this.direct = direct;
        this.readAhead = new ReadAhead(readAheadBytes, new ReadAhead.Refs() {
            @Override
            public void retain(Handle h) {
                DataStore.this.retain(h);
            }

            @Override
            public void release(Handle h) {
                DataStore.this.release(h);
            }
        }, metrics);
        this.fsyncs = metrics.counter("storage.data.fsyncs");
        this.fsyncLatency = metrics.timer("storage.data.fsync-latency");
    }

    Path path(long id) {
        return dir.resolve(hex2(id)).resolve(hex2(id >>> 8)).resolve(String.format("%016x", id));
    }

    private static String hex2(long v) {
        int b = (int) (v & 0xff);
        return new String(new char[] {Character.forDigit(b >> 4, 16), Character.forDigit(b & 15, 16)});
    }

    /** Opens (with {@code create}, creating) the data file of {@code id}; null when absent and not created. */
    Handle acquire(long id, boolean create) throws IOException {
        synchronized (this) {
            if (closed) throw new IOException("the data store is closed");
            Handle h = open.get(id);
            if (h != null) {
                h.refs++;
                return h;
            }
        }
        Path p = path(id);
        FileChannel ch;
        if (create) {
            ch = openOrCreate(id, p);
        } else {
            try {
                ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                return null;
            }
        }
        synchronized (this) {
            Handle h = open.get(id);
            if (h != null || closed) {
                ch.close();
                if (closed) throw new IOException("the data store is closed");
                h.refs++;
                return h;
            }
            h = new Handle(id, ch);
            h.refs = 1;
            open.put(id, h);
            if (open.size() > maxOpen) evictEldest();
            return h;
        }
    }

    /**
     * Opens a data file, creating it (and its directories) when absent. A new file, or an empty
     * one that may be new, needs its directories synced before its data counts as durable.
     */
    private FileChannel openOrCreate(long id, Path p) throws IOException {
        List<Path> syncs = new ArrayList<>(3);
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            Path leaf = p.getParent();
            Path mid = leaf.getParent();
            if (!Files.isDirectory(mid)) {
                Files.createDirectories(mid);
                syncs.add(dir);
            }
            try {
                Files.createDirectory(leaf);
                syncs.add(mid);
            } catch (FileAlreadyExistsException ignored) {
                // made by a concurrent writer of another object
            }
            ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        if (ch.size() == 0) {
            syncs.add(p.getParent());
            pendingDirSyncs.put(id, syncs);
        }
        return ch;
    }

    private void evictEldest() {
        Iterator<Map.Entry<Long, Handle>> it = open.entrySet().iterator();
        while (open.size() > maxOpen && it.hasNext()) {
            Handle h = it.next().getValue();
            it.remove();
            h.evicted = true;
            if (h.refs == 0) closeQuietly(h);
        }
    }

    ReadAhead readAhead() {
        return readAhead;
    }

    /** Takes one more reference to a handle the caller holds. */
    void retain(Handle h) {
        synchronized (this) {
            h.refs++;
        }
    }

    void release(Handle h) {
        if (h == null) return;
        synchronized (this) {
            h.refs--;
            if (h.refs == 0 && h.evicted) closeQuietly(h);
        }
    }

    private static void closeQuietly(Handle h) {
        synchronized (h) {
            h.closed = true;
            closeQuietly(h.id, h.direct);
            closeQuietly(h.id, h.channel);
        }
    }

    /** Closes one channel (null is fine); a failure is logged, so the other channel still closes. */
    private static void closeQuietly(long id, FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException e) {
            LOG.warn("closing the data file of object {} failed: {}", id, e.toString());
        }
    }

    /**
     * Reads up to {@code count} bytes at {@code pos} into {@code dst}, filling with zeros where the
     * data file is shorter (or absent). Returns {@code count}. {@code fileSize} (the object's
     * size) bounds the read-ahead a sequential reader gets.
     */
    int read(long id, long pos, ByteBuffer dst, int count, long fileSize) throws IOException {
        int limit = dst.limit();
        dst.limit(dst.position() + count);
        try {
            Handle h = acquire(id, false);
            if (h != null) {
                try {
                    readAhead.onRead(h, pos, count, fileSize);
                    long at = pos;
                    while (dst.hasRemaining()) {
                        int n = h.channel.read(dst, at);
                        if (n <= 0) break;
                        at += n;
                    }
                } finally {
                    release(h);
                }
            }
            while (dst.hasRemaining()) dst.put((byte) 0);
        } finally {
            dst.limit(limit);
        }
        return count;
    }

    /**
     * Writes all of {@code src} at {@code pos} through an acquired handle: large aligned writes
     * bypass the page cache (see {@link DirectWrites}), the rest go through it.
     */
    void write(Handle h, long pos, ByteBuffer src) throws IOException {
        if (direct.eligible(pos, src.remaining()) && direct.write(h, path(h.id), pos, src)) return;
        while (src.hasRemaining()) pos += h.channel.write(src, pos);
    }

    /** Forces the data file (and, once, the directories of a new file) to disk; nothing when absent. */
    void fsync(long id) throws IOException {
        Handle h = acquire(id, false);
        if (h == null) return;
        try {
            Timer.Context t = fsyncLatency.time();
            h.channel.force(false);
            t.stop();
            fsyncs.inc();
        } finally {
            release(h);
        }
        List<Path> dirs = pendingDirSyncs.remove(id);
        if (dirs != null) {
            try {
                for (int i = dirs.size() - 1; i >= 0; i--) LogFormat.syncDirectory(dirs.get(i));
            } catch (IOException e) {
                pendingDirSyncs.putIfAbsent(id, dirs);
                throw e;
            }
        }
    }

    /** Closes the channel and deletes the data file of a destroyed object (a missing file is fine). */
    void delete(long id) throws IOException {
        synchronized (this) {
            Handle h = open.remove(id);
            if (h != null) {
                h.evicted = true;
                if (h.refs == 0) closeQuietly(h);
            }
        }
        pendingDirSyncs.remove(id);
        Files.deleteIfExists(path(id));
    }

    /** Receives data files during a scan. */
    interface FileSink {
        /** {@code id} is -1 for a file whose name is not an object id. */
        void accept(long id, Path path, long length) throws IOException;
    }

    /** Visits every file under the data directory. */
    void scan(FileSink sink) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> level1 = Files.newDirectoryStream(dir)) {
            for (Path a : level1) {
                if (!Files.isDirectory(a)) {
                    sink.accept(-1, a, Files.size(a));
                    continue;
                }
                try (DirectoryStream<Path> level2 = Files.newDirectoryStream(a)) {
                    for (Path b : level2) {
                        if (!Files.isDirectory(b)) {
                            sink.accept(-1, b, Files.size(b));
                            continue;
                        }
                        try (DirectoryStream<Path> files = Files.newDirectoryStream(b)) {
                            for (Path f : files) {
                                long id = parseId(f.getFileName().toString());
                                if (id >= 0 && !path(id).equals(f)) id = -1;
                                sink.accept(id, f, Files.isRegularFile(f) ? Files.size(f) : 0);
                            }
                        }
                    }
                }
            }
        }
    }

    private static long parseId(String name) {
        if (name.length() != 16) return -1;
        try {
            return Long.parseUnsignedLong(name, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        readAhead.close();
        synchronized (this) {
            closeChannels();
        }
    }

    private void closeChannels() {
        closed = true;
        for (Handle h : open.values()) {
            h.evicted = true;
            if (h.refs == 0) closeQuietly(h);
        }
        open.clear();
    }
}
