package org.echofs.cli.config;

/**
 * Section {@code storage}: limits of the embedded volume.
 *
 * @param capacity   bytes of file data the volume may hold (FSSTAT reports it; a write beyond it
 *                   is NOSPC). Key {@code capacity}
 * @param maxObjects most objects (files, directories, symlinks, ...) it may hold. Key
 *                   {@code max-objects}
 * @param directWriteMin writes of at least this many bytes (aligned to 4 KiB in offset and
 *                   length) bypass the page cache; 0 turns that off. Key {@code direct-write-min}
 * @param readAhead  how far ahead of a sequential reader the gateway reads a file into the page
 *                   cache; 0 turns that off. Key {@code read-ahead}
 */
public record StorageOptions(long capacity, long maxObjects, int directWriteMin, int readAhead) {

    public static final long DEFAULT_CAPACITY = 16 * ByteSize.GIB;
    public static final long DEFAULT_MAX_OBJECTS = 1_000_000L;
    public static final long MIN_CAPACITY = ByteSize.MIB;
    public static final long MIN_OBJECTS = 16;
    public static final int DEFAULT_DIRECT_WRITE_MIN = 256 * (int) ByteSize.KIB;
    public static final int MAX_DIRECT_WRITE_MIN = (int) ByteSize.MIB;
    public static final int DEFAULT_READ_AHEAD = 8 * (int) ByteSize.MIB;
    public static final int MAX_READ_AHEAD = 64 * (int) ByteSize.MIB;

    public static final StorageOptions DEFAULTS = new StorageOptions(DEFAULT_CAPACITY, DEFAULT_MAX_OBJECTS,
            DEFAULT_DIRECT_WRITE_MIN, DEFAULT_READ_AHEAD);
}
