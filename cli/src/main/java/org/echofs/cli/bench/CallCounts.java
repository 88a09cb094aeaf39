package org.echofs.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many NFS v3 calls of each procedure a client sent (counted when the call is issued,
 * whatever its answer). Thread-safe; snapshots are plain maps.
 */
public final class CallCounts {

    /** NFS v3 procedure names by number (RFC 1813 section 3). */
    public static final String[] NAMES = {"NULL", "GETATTR", "SETATTR", "LOOKUP", "ACCESS", "READLINK", "READ",
        "WRITE", "CREATE", "MKDIR", "SYMLINK", "MKNOD", "REMOVE", "RMDIR", "RENAME", "LINK", "READDIR",
        "READDIRPLUS", "FSSTAT", "FSINFO", "PATHCONF", "COMMIT"};

    public static final int GETATTR = 1, SETATTR = 2, LOOKUP = 3, READ = 6, WRITE = 7, CREATE = 8, MKDIR = 9,
            REMOVE = 12, RMDIR = 13, RENAME = 14, READDIR = 16, READDIRPLUS = 17, FSINFO = 19, COMMIT = 21;

    private final AtomicLongArray counts = new AtomicLongArray(NAMES.length);

    void add(int proc) {
        counts.incrementAndGet(proc);
    }

    /** The counts as they are now. */
    public long[] snapshot() {
        long[] s = new long[NAMES.length];
        for (int i = 0; i < s.length; i++) s[i] = counts.get(i);
        return s;
    }

    /** {@code after - before}, by procedure name, leaving out procedures with no calls. */
    public static Map<String, Long> difference(long[] before, long[] after) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            long d = after[i] - before[i];
            if (d != 0) m.put(NAMES[i], d);
        }
        return m;
    }

    /** Every procedure with at least one call, by name. */
    public Map<String, Long> toMap() {
        return difference(new long[NAMES.length], snapshot());
    }
}
