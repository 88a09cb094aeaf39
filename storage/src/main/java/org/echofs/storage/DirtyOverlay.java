package org.echofs.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Size and times of regular files changed by writes that are not logged yet (unstable writes,
 * or stable ones whose size record is on its way). {@code getattr} merges them over the
 * committed row. One entry per dirty object; entries go away when a size record covering them
 * is logged, or when a truncate or removal supersedes them.
 *
 * <p>Threads: lookups from any thread; entries are created, replaced and removed under the
 * object's lock in the engine. Values are immutable snapshots, so readers never see a torn one.
 */
final class DirtyOverlay {

    /** One snapshot: size, mtime, ctime, and a version that grows with every write. */
    record Values(long size, long mtime, long ctime, long version) { }

    /** The overlay of one object. */
    static final class Entry {
        volatile Values values;
        /** The highest version already logged (guarded by the object's lock). */
        long loggedVersion;

        Entry(Values v) {
            this.values = v;
        }
    }

    private final ConcurrentHashMap<Long, Entry> map = new ConcurrentHashMap<>();

    Entry get(long id) {
        return map.get(id);
    }

    Values values(long id) {
        Entry e = map.get(id);
        return e == null ? null : e.values;
    }

    Entry create(long id, Values v) {
        Entry e = new Entry(v);
        map.put(id, e);
        return e;
    }

    void remove(long id) {
        map.remove(id);
    }

    int size() {
        return map.size();
    }

    List<Long> ids() {
        return new ArrayList<>(map.keySet());
    }
}
