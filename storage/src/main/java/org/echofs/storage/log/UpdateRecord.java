package org.echofs.storage.log;

import org.echofs.core.fs.FileType;

/**
 * One metadata update as it is logged, applied and (later) shipped to a backup replica. A record
 * carries the <em>outcome</em> of an update, never the request: assigned object ids,
 * generations, cookies, time stamps and resulting sizes are all decided before the record is
 * built, so applying a record to the same state always gives the same result. Records are
 * immutable values; the log gives each one a log sequence number (see {@link LogEntry}).
 *
 * <p>Time stamps are nanoseconds since the epoch. Strings are names (1..255 bytes of UTF-8) or
 * symbolic link targets.
 */
public sealed interface UpdateRecord {

    /** A short lower-case name for metrics and messages. */
    String kind();

    /**
     * A new object (regular file, directory, symbolic link or special file) under a new name.
     * The directory gets {@code time} as mtime and ctime, {@code cookie + 1} as its next cookie at
     * least, and one more link when the new object is a directory.
     */
    record Create(long dir, String name, long cookie, long id, int generation, FileType type, int mode, int uid,
                  int gid, long size, int rdevMajor, int rdevMinor, String target, long createVerifier,
                  long atimeNanos, long mtimeNanos, long timeNanos) implements UpdateRecord {
        @Override public String kind() { return "create"; }
    }

    /**
     * Removes the entry {@code name} of {@code dir}, which names {@code child}. A directory child
     * is destroyed; another object loses one link and is destroyed at zero links.
     */
    record Remove(long dir, String name, long child, long timeNanos) implements UpdateRecord {
        @Override public String kind() { return "remove"; }
    }

    /**
     * Moves the entry {@code fromName} of {@code fromDir} (naming {@code id}) to {@code toName} in
     * {@code toDir} with the new cookie {@code cookie}. {@code replaced} is the object the target
     * name named before (0 when none); it loses that link as in {@link Remove}.
     */
    record Rename(long fromDir, String fromName, long toDir, String toName, long id, long replaced, long cookie,
                  long timeNanos) implements UpdateRecord {
        @Override public String kind() { return "rename"; }
    }

    /** A new name {@code name} in {@code dir} for the non-directory {@code id}. */
    record Link(long id, long dir, String name, long cookie, long timeNanos) implements UpdateRecord {
        @Override public String kind() { return "link"; }
    }

    /**
     * New attribute values of {@code id}; null fields stay as they are. {@code ctimeNanos} is
     * always set. A size is the new logical size of a regular file (truncate or extend).
     */
    record SetAttr(long id, Integer mode, Integer uid, Integer gid, Long size, Long atimeNanos, Long mtimeNanos,
                   long ctimeNanos) implements UpdateRecord {
        @Override public String kind() { return "setattr"; }
    }

    /**
     * The size and times of a regular file after data writes, logged once the data up to
     * {@code size} is durable in the file's data file.
     */
    record SizeTimes(long id, long size, long mtimeNanos, long ctimeNanos) implements UpdateRecord {
        @Override public String kind() { return "sizetimes"; }
    }

    /** Object ids below {@code limit} may be handed out; ids are never reused, even after a crash. */
    record ReserveIds(long limit) implements UpdateRecord {
        @Override public String kind() { return "reserveids"; }
    }
}
