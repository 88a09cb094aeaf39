package org.echofs.gateway.export;

import org.echofs.core.time.Clock;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Client address to host name, through a {@link HostResolver}, remembered for a while: at most
 * {@code capacity} addresses (least recently used go first), each for {@code ttlNanos} of the
 * injected clock. Addresses without a name are remembered too. Thread-safe; the look-up itself
 * runs outside the lock and may block.
 */
final class ReverseNameCache {

    private record Entry(String name, long expiresAt) { }

    private final HostResolver resolver;
    private final Clock clock;
    private final long ttlNanos;
    private final Map<InetAddress, Entry> entries;

    ReverseNameCache(HostResolver resolver, Clock clock, int capacity, long ttlNanos) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        this.resolver = resolver;
        this.clock = clock;
        this.ttlNanos = ttlNanos;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The client's name, or null when it has none. */
    String nameOf(InetAddress address) {
        long now = clock.monotonicNanos();
        synchronized (entries) {
            Entry e = entries.get(address);
            if (e != null && now - e.expiresAt < 0) return e.name;
        }
        String name = resolver.nameOf(address);
        synchronized (entries) {
            entries.put(address, new Entry(name, now + ttlNanos));
        }
        return name;
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
