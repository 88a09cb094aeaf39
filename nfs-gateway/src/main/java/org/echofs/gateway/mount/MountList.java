package org.echofs.gateway.mount;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Who mounted what, for DUMP: (client address, directory) pairs added by MNT and removed by
 * UMNT/UMNTALL, in memory only, at most {@code capacity} (the oldest is forgotten first). Like
 * every mount list, it is advisory. Thread-safe.
 */
final class MountList {

    record Entry(String host, String directory) { }

    private final int capacity;
    private final LinkedHashSet<Entry> entries = new LinkedHashSet<>();

    MountList(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        this.capacity = capacity;
    }

    synchronized void add(String host, String directory) {
        Entry e = new Entry(host, directory);
        entries.remove(e);
        entries.add(e);
        while (entries.size() > capacity) {
            entries.remove(entries.iterator().next());
        }
    }

    synchronized void remove(String host, String directory) {
        entries.remove(new Entry(host, directory));
    }

    synchronized void removeAll(String host) {
        entries.removeIf(e -> e.host().equals(host));
    }

    synchronized List<Entry> snapshot() {
        return new ArrayList<>(entries);
    }
}
