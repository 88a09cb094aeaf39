package org.echofs.storage;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.echofs.storage.log.LogFormat;

/**
 * The layout of a volume's data directory and its exclusive lock.
 *
 * <pre>
 * DIR/volume.properties  volume id, fsid, format version, capacity, creation time
 * DIR/LOCK               locked (FileChannel.tryLock) while an engine or fsck has the volume open
 * DIR/meta/              metadata: an H2 MVStore file (echofs.mv.db)
 * DIR/log/               write-ahead log segments
 * DIR/data/              one file per regular file
 * </pre>
 * A directory is a volume once {@code volume.properties} exists; it is written last when a
 * volume is formatted. Not thread-safe; used while opening and closing.
 */
final class VolumeDir implements AutoCloseable {

    static final int FORMAT_VERSION = 1;
    static final String PROPERTIES = "volume.properties";
    static final String LOCK = "LOCK";

    final Path root;
    final Path meta;
    final Path log;
    final Path data;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean fresh;
    private Properties props;

    private VolumeDir(Path root, FileChannel lockChannel, FileLock lock, boolean fresh, Properties props) {
        this.root = root;
        this.meta = root.resolve("meta");
        this.log = root.resolve("log");
        this.data = root.resolve("data");
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.fresh = fresh;
        this.props = props;
    }

    /**
     * Locks the volume in {@code dir}. With {@code mayCreate}, an absent or empty directory
     * becomes a new volume (call {@link #commitFormat} once its metadata exists).
     *
     * @throws IOException with a clear message when the directory is not a volume, is in use,
     *                     or has a newer format
     */
    static VolumeDir open(Path dir, boolean mayCreate) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        Path propsFile = root.resolve(PROPERTIES);
        boolean fresh = false;
        if (!Files.exists(propsFile)) {
            if (!mayCreate) throw new IOException(root + " is not an echofs volume (no " + PROPERTIES + ")");
            if (Files.exists(root)) {
                if (!Files.isDirectory(root)) throw new IOException(root + " is not a directory");
                try (Stream<Path> s = Files.list(root)) {
                    if (s.findAny().isPresent()) {
                        throw new IOException(root + " is not an echofs volume (no " + PROPERTIES + ") and is not empty;"
                                + " refusing to use it (if formatting a new volume there was interrupted, empty it first)");
                    }
                }
            }
            Files.createDirectories(root);
            fresh = true;
        }
        FileChannel ch = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("volume " + root + " is in use (" + root.resolve(LOCK) + " is locked by another process"
                    + " or by an open engine in this one)");
        }
        try {
            Properties props = null;
            if (!fresh) {
                props = new Properties();
                try (Reader r = Files.newBufferedReader(propsFile, StandardCharsets.UTF_8)) {
                    props.load(r);
                }
                int version = intProp(props, "format.version", propsFile);
                if (version > FORMAT_VERSION) {
                    throw new IOException("volume " + root + " has format version " + version
                            + "; this echofs reads up to version " + FORMAT_VERSION);
                }
                if (version < 1) throw new IOException(propsFile + ": bad format.version " + version);
                longProp(props, "fsid", propsFile);
            }
            VolumeDir v = new VolumeDir(root, ch, lock, fresh, props);
            if (fresh) {
                Files.createDirectories(v.meta);
                Files.createDirectories(v.log);
                Files.createDirectories(v.data);
            } else {
                for (Path p : new Path[] {v.meta, v.log, v.data}) {
                    if (!Files.isDirectory(p)) throw new IOException("volume " + root + " is damaged: " + p + " is missing");
                }
            }
            return v;
        } catch (IOException | RuntimeException e) {
            lock.release();
            ch.close();
            throw e;
        }
    }

    private static int intProp(Properties p, String key, Path file) throws IOException {
        String v = p.getProperty(key);
        if (v == null) throw new IOException(file + ": " + key + " is missing");
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": " + key + " is not a number: " + v);
        }
    }

    private static long longProp(Properties p, String key, Path file) throws IOException {
        String v = p.getProperty(key);
        if (v == null) throw new IOException(file + ": " + key + " is missing");
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": " + key + " is not a number: " + v);
        }
    }

    /** True when this open created the volume (its metadata must be formatted). */
    boolean fresh() {
        return fresh && props == null;
    }

    long fsid() {
        return Long.parseLong(props.getProperty("fsid").trim());
    }

    String volumeId() {
        return props.getProperty("volume.id", "");
    }

    /** Writes volume.properties of a new volume; from then on the directory is a volume. */
    void commitFormat(long createdWallNanos, long capacityBytes, long maxObjects) throws IOException {
        UUID id = UUID.randomUUID();
        Properties p = new Properties();
        p.setProperty("format.version", Integer.toString(FORMAT_VERSION));
        p.setProperty("volume.id", id.toString());
        p.setProperty("fsid", Long.toString((id.getMostSignificantBits() ^ id.getLeastSignificantBits()) & Long.MAX_VALUE));
        p.setProperty("created", Instant.ofEpochSecond(0, createdWallNanos).toString());
        p.setProperty("capacity.bytes", Long.toString(capacityBytes));
        p.setProperty("max.objects", Long.toString(maxObjects));
        store(p);
        props = p;
    }

    /** Records the capacity the volume now runs with, when it changed. */
    void updateCapacity(long capacityBytes, long maxObjects) throws IOException {
        if (Long.toString(capacityBytes).equals(props.getProperty("capacity.bytes"))
                && Long.toString(maxObjects).equals(props.getProperty("max.objects"))) {
            return;
        }
        Properties p = new Properties();
        p.putAll(props);
        p.setProperty("capacity.bytes", Long.toString(capacityBytes));
        p.setProperty("max.objects", Long.toString(maxObjects));
        store(p);
        props = p;
    }

    private void store(Properties p) throws IOException {
        Path tmp = root.resolve(PROPERTIES + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "echofs volume; do not edit while the volume is open");
        }
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, root.resolve(PROPERTIES), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LogFormat.syncDirectory(root);
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
