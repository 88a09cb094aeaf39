package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The duplicate-request cache on its own, with a manual clock. */
class DuplicateRequestCacheTest {

    private final TestClock clock = new TestClock();
    private final Counter hits = new Counter();
    private final Counter drops = new Counter();
    private final Counter evictions = new Counter();

    private DuplicateRequestCache cache(int entries, long bytes) {
        return new DuplicateRequestCache(entries, bytes, Duration.ofSeconds(120).toNanos(), clock, hits, drops, evictions);
    }

    private static DuplicateRequestCache.Key key(int xid, byte... args) {
        ByteBuf b = Unpooled.wrappedBuffer(args);
        return DuplicateRequestCache.Key.of(InetAddress.getLoopbackAddress(), xid, 100003, 3, 8, b);
    }

    @Test
    void newThenInProgressThenCachedReply() {
        DuplicateRequestCache c = cache(10, 1 << 20);
        DuplicateRequestCache.Key k = key(1, (byte) 1, (byte) 2);
        assertNull(c.begin(k));
        assertSame(DuplicateRequestCache.IN_PROGRESS, c.begin(k));
        assertEquals(1, drops.getCount());
        byte[] reply = {9, 8, 7};
        c.complete(k, reply);
        assertArrayEquals(reply, c.begin(k));
        assertArrayEquals(reply, c.begin(key(1, (byte) 1, (byte) 2)));
        assertEquals(2, hits.getCount());
        assertEquals(0, c.inProgressCount());
    }

    @Test
    void keyCoversXidArgumentsAndAddress() throws Exception {
        DuplicateRequestCache.Key k = key(1, (byte) 1);
        assertEquals(k, key(1, (byte) 1));
        assertNotEquals(k, key(2, (byte) 1));
        assertNotEquals(k, key(1, (byte) 2));
        assertNotEquals(k, key(1, (byte) 1, (byte) 0));
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {1});
        assertNotEquals(k, DuplicateRequestCache.Key.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 1,
                100003, 3, 8, b));
    }

    @Test
    void abandonedCallRunsAgain() {
        DuplicateRequestCache c = cache(10, 1 << 20);
        DuplicateRequestCache.Key k = key(1);
        assertNull(c.begin(k));
        c.abandon(k);
        assertNull(c.begin(k));
    }

    @Test
    void evictsOldestOverTheEntryLimit() {
        DuplicateRequestCache c = cache(2, 1 << 20);
        for (int xid = 1; xid <= 3; xid++) {
            assertNull(c.begin(key(xid)));
            c.complete(key(xid), new byte[] {(byte) xid});
        }
        assertEquals(2, c.size());
        assertEquals(1, evictions.getCount());
        assertNull(c.begin(key(1)));
        assertArrayEquals(new byte[] {3}, c.begin(key(3)));
    }

    @Test
    void evictsOldestOverTheByteLimit() {
        DuplicateRequestCache c = cache(100, 3 * (1000 + 96));
        for (int xid = 1; xid <= 5; xid++) {
            c.begin(key(xid));
            c.complete(key(xid), new byte[1000]);
        }
        assertEquals(3, c.size());
        assertEquals(2, evictions.getCount());
        assertEquals(3 * (1000 + 96), c.bytes());
        // A reply bigger than the whole cache is not kept.
        c.begin(key(9));
        c.complete(key(9), new byte[5000]);
        assertNull(c.begin(key(9)));
    }

    @Test
    void repliesExpireAfterTheirAge() {
        DuplicateRequestCache c = cache(10, 1 << 20);
        c.begin(key(1));
        c.complete(key(1), new byte[] {1});
        clock.advance(Duration.ofSeconds(60));
        c.begin(key(2));
        c.complete(key(2), new byte[] {2});
        clock.advance(Duration.ofSeconds(60));
        assertNull(c.begin(key(1)), "120 s old: expired");
        assertArrayEquals(new byte[] {2}, c.begin(key(2)));
        assertEquals(0, evictions.getCount());
        clock.advance(Duration.ofSeconds(60));
        assertEquals(0, c.size());
        assertEquals(0, c.bytes());
    }
}
