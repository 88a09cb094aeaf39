package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import org.echofs.core.time.Clock;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The duplicate-request cache for non-idempotent procedures. A call is identified by its
 * {@link Key} (client address, xid, program, version, procedure, argument length and a checksum
 * of the first {@value #CHECKSUM_BYTES} argument bytes). While a call runs its key is "in
 * progress" and retransmissions are dropped; once answered, its reply bytes are kept and a
 * retransmission gets them again instead of running the procedure twice.
 *
 * <p>Completed replies are kept in completion order and evicted oldest first when over
 * {@code maxEntries} or {@code maxBytes} (close to LRU, since retransmissions come soon after
 * the original); a reply older than {@code maxAgeNanos} on the injected clock is forgotten.
 * Thread-safe (one lock; only non-idempotent calls come here).
 */
final class DuplicateRequestCache {

    /** Argument bytes covered by the checksum: the xid and the rest of the key do the real work. */
    static final int CHECKSUM_BYTES = 4096;

    /** What {@link #begin} returns for a call still in progress. */
    static final byte[] IN_PROGRESS = new byte[0];

    /** Bookkeeping charged per entry on top of its reply bytes. */
    private static final int ENTRY_OVERHEAD = 96;

    /** Identity of one call for the cache. */
    record Key(InetAddress client, int xid, int program, int version, int procedure, int argLength, int checksum) {

        /** The key of a call whose arguments are the readable bytes of {@code args} (not consumed). */
        static Key of(InetAddress client, int xid, int program, int version, int procedure, ByteBuf args) {
            int length = args.readableBytes();
            int covered = Math.min(length, CHECKSUM_BYTES);
            CRC32C crc = new CRC32C();
            if (covered > 0) {
                if (args.nioBufferCount() == 1) {
                    crc.update(args.nioBuffer(args.readerIndex(), covered));
                } else {
                    for (ByteBuffer b : args.nioBuffers(args.readerIndex(), covered)) crc.update(b);
                }
            }
            return new Key(client, xid, program, version, procedure, length, (int) crc.getValue());
        }
    }

    private record Entry(byte[] reply, long completedNanos) { }

    private final int maxEntries;
    private final long maxBytes;
    private final long maxAgeNanos;
    private final Clock clock;
    private final Counter hits;
    private final Counter inProgressDrops;
    private final Counter evictions;

    private final Set<Key> inProgress = new HashSet<>();
    private final LinkedHashMap<Key, Entry> done = new LinkedHashMap<>();
    private long bytes;

    DuplicateRequestCache(int maxEntries, long maxBytes, long maxAgeNanos, Clock clock,
                          Counter hits, Counter inProgressDrops, Counter evictions) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAgeNanos;
        this.clock = clock;
        this.hits = hits;
        this.inProgressDrops = inProgressDrops;
        this.evictions = evictions;
    }

    /**
     * Looks a new call up. Returns null if the call is new (it is now in progress and must later
     * be {@link #complete}d or {@link #abandon}ed), {@link #IN_PROGRESS} if an identical call is
     * running (drop this one), or the reply bytes to send again.
     */
    synchronized byte[] begin(Key key) {
        expire(clock.monotonicNanos());
        Entry e = done.get(key);
        if (e != null) {
            hits.inc();
            return e.reply;
        }
        if (!inProgress.add(key)) {
            inProgressDrops.inc();
            return IN_PROGRESS;
        }
        return null;
    }

    /** Records the reply of a call {@link #begin} let through. */
    synchronized void complete(Key key, byte[] reply) {
        inProgress.remove(key);
        long now = clock.monotonicNanos();
        expire(now);
        long size = reply.length + ENTRY_OVERHEAD;
        if (size > maxBytes || maxEntries == 0) {
            return;
        }
        Entry old = done.put(key, new Entry(reply, now));
        if (old != null) {
            bytes -= old.reply.length + ENTRY_OVERHEAD;
        }
        bytes += size;
        Iterator<Map.Entry<Key, Entry>> it = done.entrySet().iterator();
        while ((done.size() > maxEntries || bytes > maxBytes) && it.hasNext()) {
            Entry evicted = it.next().getValue();
            it.remove();
            bytes -= evicted.reply.length + ENTRY_OVERHEAD;
            evictions.inc();
        }
    }

    /** Forgets a call {@link #begin} let through that ended without a reply (dropped). */
    synchronized void abandon(Key key) {
        inProgress.remove(key);
    }

    private void expire(long now) {
        Iterator<Entry> it = done.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (now - e.completedNanos < maxAgeNanos) break;
            it.remove();
            bytes -= e.reply.length + ENTRY_OVERHEAD;
        }
    }

    /** Completed replies kept now (expired ones are dropped first). */
    synchronized int size() {
        expire(clock.monotonicNanos());
        return done.size();
    }

    /** Bytes charged for the replies kept now (expired ones are dropped first). */
    synchronized long bytes() {
        expire(clock.monotonicNanos());
        return bytes;
    }

    synchronized int inProgressCount() { return inProgress.size(); }
}
