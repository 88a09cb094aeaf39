package org.echofs.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.echofs.storage.log.RecordCodec;

/**
 * Settings of one storage engine. Build with {@link #defaults(Path)} and the {@code with...}
 * methods; the constructor checks every value and fails with IllegalArgumentException naming
 * the field.
 *
 * @param dir                the volume's data directory (created and formatted when empty or absent)
 * @param capacityBytes      the space the volume offers (default 16 GiB); see {@link StorageEngine}
 *                           for how usage is counted. Applies to an existing volume as well.
 * @param maxObjects         the largest number of objects (default 16 Mi)
 * @param maxFileSize        the largest file size (default 16 TiB); larger writes give FBIG
 * @param linkMax            the largest link count (default 32000); more links give MLINK
 * @param segmentBytes       the size of each preallocated log segment (default 64 MiB, at least 256 KiB)
 * @param checkpointInterval how often a checkpoint runs (default 30 s; zero disables the periodic one)
 * @param metaCheckpointBytes a metadata checkpoint also starts when this many bytes of metadata
 *                           changes are not yet in the metadata file (default 16 MiB); bounds memory,
 *                           replay, and the pause of updates a checkpoint causes
 * @param openChannels       how many data files are kept open (default 256)
 * @param metaCacheMiB       page cache of the metadata store, in MiB (default 64)
 * @param syncThreads        threads that sync data files (default 16)
 * @param rootMode           permission bits of the root directory of a new volume (default 0755)
 * @param rootUid            owner of the root directory of a new volume (default 0)
 * @param rootGid            group of the root directory of a new volume (default 0)
 * @param directWriteMin     a write of at least this many bytes, aligned to {@link #DIRECT_ALIGNMENT}
 *                           in offset and length, bypasses the page cache (O_DIRECT); 0 turns this
 *                           off (default 256 KiB). Falls back to buffered writes where the file
 *                           system refuses O_DIRECT.
 * @param readAheadBytes     how far ahead of a sequential reader a background thread reads a data
 *                           file into the page cache; 0 turns this off (default 8 MiB, at most 64 MiB)
 */
public record StorageConfig(Path dir, long capacityBytes, long maxObjects, long maxFileSize, int linkMax,
                            long segmentBytes, Duration checkpointInterval, long metaCheckpointBytes, int openChannels, int metaCacheMiB,
                            int syncThreads, int rootMode, int rootUid, int rootGid, int directWriteMin,
                            int readAheadBytes) {

    public static final long DEFAULT_CAPACITY_BYTES = 16L << 30;
    public static final long DEFAULT_MAX_OBJECTS = 16L << 20;
    public static final long DEFAULT_MAX_FILE_SIZE = 16L << 40;
    public static final int DEFAULT_LINK_MAX = 32000;
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final long MIN_SEGMENT_BYTES = 256L << 10;
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);
    public static final long DEFAULT_META_CHECKPOINT_BYTES = 16L << 20;
    public static final int DEFAULT_OPEN_CHANNELS = 256;
    public static final int DEFAULT_META_CACHE_MIB = 64;
    public static final int DEFAULT_SYNC_THREADS = 16;
    public static final int DEFAULT_ROOT_MODE = 0755;
    public static final int DEFAULT_DIRECT_WRITE_MIN = 256 << 10;
    public static final int DEFAULT_READ_AHEAD_BYTES = 8 << 20;
    public static final int MAX_READ_AHEAD_BYTES = 64 << 20;
    /** Offsets, lengths and buffer addresses of writes that bypass the page cache are multiples of this. */
    public static final int DIRECT_ALIGNMENT = 4096;
    /** The largest piece of a write that bypasses the page cache goes through one buffer of this size. */
    public static final int DIRECT_CHUNK = 1 << 20;

    public StorageConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        require(capacityBytes > 0, "capacityBytes must be positive: " + capacityBytes);
        require(maxObjects >= 1, "maxObjects must be at least 1: " + maxObjects);
        require(maxFileSize > 0, "maxFileSize must be positive: " + maxFileSize);
        require(linkMax >= 2, "linkMax must be at least 2: " + linkMax);
        require(segmentBytes >= MIN_SEGMENT_BYTES && segmentBytes >= 4L * RecordCodec.MAX_RECORD_BYTES
                && segmentBytes <= (1L << 31), "segmentBytes must be between 256 KiB and 2 GiB: " + segmentBytes);
        require(!checkpointInterval.isNegative(), "checkpointInterval must not be negative: " + checkpointInterval);
        require(metaCheckpointBytes >= (64 << 10), "metaCheckpointBytes must be at least 64 KiB: " + metaCheckpointBytes);
        require(openChannels >= 1, "openChannels must be at least 1: " + openChannels);
        require(metaCacheMiB >= 1 && metaCacheMiB <= 65536, "metaCacheMiB must be 1..65536: " + metaCacheMiB);
        require(syncThreads >= 1 && syncThreads <= 64, "syncThreads must be 1..64: " + syncThreads);
        require(directWriteMin >= 0 && directWriteMin <= DIRECT_CHUNK,
                "directWriteMin must be 0 (off) to 1 MiB: " + directWriteMin);
        require(readAheadBytes >= 0 && readAheadBytes <= MAX_READ_AHEAD_BYTES,
                "readAheadBytes must be 0 (off) to 64 MiB: " + readAheadBytes);
        require((rootMode & ~07777) == 0, "rootMode must be permission bits (07777): " + Integer.toOctalString(rootMode));
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** The defaults for a volume in {@code dir}. */
    public static StorageConfig defaults(Path dir) {
        return new StorageConfig(dir, DEFAULT_CAPACITY_BYTES, DEFAULT_MAX_OBJECTS, DEFAULT_MAX_FILE_SIZE,
                DEFAULT_LINK_MAX, DEFAULT_SEGMENT_BYTES, DEFAULT_CHECKPOINT_INTERVAL, DEFAULT_META_CHECKPOINT_BYTES, DEFAULT_OPEN_CHANNELS,
                DEFAULT_META_CACHE_MIB, DEFAULT_SYNC_THREADS, DEFAULT_ROOT_MODE, 0, 0, DEFAULT_DIRECT_WRITE_MIN,
                DEFAULT_READ_AHEAD_BYTES);
    }

    public StorageConfig withCapacity(long bytes, long objects) {
        return new StorageConfig(dir, bytes, objects, maxFileSize, linkMax, segmentBytes, checkpointInterval,
                metaCheckpointBytes, openChannels, metaCacheMiB, syncThreads, rootMode, rootUid, rootGid, directWriteMin,
                readAheadBytes);
    }

    public StorageConfig withLimits(long newMaxFileSize, int newLinkMax) {
        return new StorageConfig(dir, capacityBytes, maxObjects, newMaxFileSize, newLinkMax, segmentBytes,
                checkpointInterval, metaCheckpointBytes, openChannels, metaCacheMiB, syncThreads, rootMode, rootUid, rootGid, directWriteMin,
                readAheadBytes);
    }

    public StorageConfig withSegmentBytes(long bytes) {
        return new StorageConfig(dir, capacityBytes, maxObjects, maxFileSize, linkMax, bytes, checkpointInterval,
                metaCheckpointBytes, openChannels, metaCacheMiB, syncThreads, rootMode, rootUid, rootGid, directWriteMin,
                readAheadBytes);
    }

    public StorageConfig withCheckpointInterval(Duration interval) {
        return new StorageConfig(dir, capacityBytes, maxObjects, maxFileSize, linkMax, segmentBytes, interval,
                metaCheckpointBytes, openChannels, metaCacheMiB, syncThreads, rootMode, rootUid, rootGid, directWriteMin,
                readAheadBytes);
    }

    public StorageConfig withMetaCheckpointBytes(long bytes) {
        return new StorageConfig(dir, capacityBytes, maxObjects, maxFileSize, linkMax, segmentBytes,
                checkpointInterval, bytes, openChannels, metaCacheMiB, syncThreads, rootMode, rootUid, rootGid, directWriteMin,
                readAheadBytes);
    }

    public StorageConfig withCaches(int channels, int cacheMiB) {
        return new StorageConfig(dir, capacityBytes, maxObjects, maxFileSize, linkMax, segmentBytes,
                checkpointInterval, metaCheckpointBytes, channels, cacheMiB, syncThreads, rootMode, rootUid, rootGid, directWriteMin,
                readAheadBytes);
    }

    public StorageConfig withSyncThreads(int threads) {
        return new StorageConfig(dir, capacityBytes, maxObjects, maxFileSize, linkMax, segmentBytes,
                checkpointInterval, metaCheckpointBytes, openChannels, metaCacheMiB, threads, rootMode, rootUid, rootGid, directWriteMin,
                readAheadBytes);
    }

    public StorageConfig withRoot(int mode, int uid, int gid) {
        return new StorageConfig(dir, capacityBytes, maxObjects, maxFileSize, linkMax, segmentBytes,
                checkpointInterval, metaCheckpointBytes, openChannels, metaCacheMiB, syncThreads, mode, uid, gid, directWriteMin,
                readAheadBytes);
    }

    /** Writes of at least {@code bytes} (aligned) bypass the page cache; 0 turns that off. */
    public StorageConfig withDirectWriteMin(int bytes) {
        return new StorageConfig(dir, capacityBytes, maxObjects, maxFileSize, linkMax, segmentBytes,
                checkpointInterval, metaCheckpointBytes, openChannels, metaCacheMiB, syncThreads, rootMode, rootUid, rootGid,
                bytes, readAheadBytes);
    }

    /** A sequential reader gets {@code bytes} read ahead into the page cache; 0 turns that off. */
    public StorageConfig withReadAhead(int bytes) {
        return new StorageConfig(dir, capacityBytes, maxObjects, maxFileSize, linkMax, segmentBytes,
                checkpointInterval, metaCheckpointBytes, openChannels, metaCacheMiB, syncThreads, rootMode, rootUid, rootGid,
                directWriteMin, bytes);
    }
}
