package org.echofs.cli.config;

/**
 * Section {@code storage}: limits of the embedded volume.
 *
 * @param capacity   bytes of file data the volume may hold (FSSTAT reports it; a write beyond it
 *                   is NOSPC). Key {@code capacity}
 * @param maxObjects most objects (files, directories, symlinks, ...) it may hold. Key
 *                   {@code max-objects}
 */
public record StorageOptions(long capacity, long maxObjects) {

    public static final long DEFAULT_CAPACITY = 16 * ByteSize.GIB;
    public static final long DEFAULT_MAX_OBJECTS = 1_000_000L;
    public static final long MIN_CAPACITY = ByteSize.MIB;
    public static final long MIN_OBJECTS = 16;

    public static final StorageOptions DEFAULTS = new StorageOptions(DEFAULT_CAPACITY, DEFAULT_MAX_OBJECTS);
}
