package org.echofs.gateway.rpc;

import org.echofs.core.time.Clock;
import org.slf4j.Logger;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory budget of one {@link RpcServer}: one counter of the bytes held for all its
 * connections (partial records, requests of calls waiting or running, reply reservations and
 * replies not yet written; see the package documentation for the rules), the queue of
 * connections waiting for bytes to be released, and the choice of which connection to close when
 * partial records take too much.
 *
 * <p>Threads: every method may be called from any thread. The counter is one atomic (a
 * compare-and-set per admitted call); the queue is lock-free; waking a connection runs its
 * retry on its own event loop, so nothing here blocks.
 */
final class MemoryBudget {

    /**
     * A call that needs at most this much is small: it may use the whole budget, while larger
     * reservations stop at {@link #bigLimit}, so that large READs of clients that do not read
     * their replies can never take the last eighth small calls (GETATTR, LOOKUP...) live on.
     */
    static final long SMALL = 64 * 1024;

    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** The budget: the counter stays below it except for bytes already read from a socket. */
    final long limit;
    /** What large reservations may fill: seven eighths of the budget. */
    final long bigLimit;
    /** Partial records beyond this (half the budget) close the connection holding the most. */
    final long partialLimit;
    /** One connection's budget (at most the whole budget). */
    final long connectionLimit;
    /** The largest reservation one call may make; programs that ask for more get this much. */
    final long maxReservation;

    private final Clock clock;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong partial = new AtomicLong();
    /** Calls parked because their reservation did not fit (the gauge). */
    final AtomicInteger waitingCalls = new AtomicInteger();
    /** Connections waiting for bytes, first come first served. */
    private final ConcurrentLinkedDeque<ServerConnection> waiters = new ConcurrentLinkedDeque<>();
    /** Every open connection, for finding the one that holds the most partial-record bytes. */
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextWarn;
    private final AtomicLong unloggedCloses = new AtomicLong();

    MemoryBudget(long limit, long connectionLimit, Clock clock) {
        this.limit = limit;
        this.bigLimit = limit - limit / 8;
        this.partialLimit = limit / 2;
        this.connectionLimit = Math.min(connectionLimit, limit);
        this.maxReservation = Math.min(this.connectionLimit, bigLimit) / 2;
        this.clock = clock;
        this.nextWarn = new AtomicLong(clock.monotonicNanos());
    }

    /** Bytes held now for all connections. */
    long reserved() {
        return reserved.get();
    }

    /** Bytes of partial records held now (part of {@link #reserved()}). */
    long partial() {
        return partial.get();
    }

    void register(ServerConnection c) {
        connections.add(c);
    }

    void unregister(ServerConnection c) {
        connections.remove(c);
    }

    private long capFor(long need) {
        return need <= SMALL ? limit : bigLimit;
    }

    /**
     * Adds {@code add} bytes if {@code need} more bytes fit under the limit of their size class
     * ({@code need} leaves out what the caller holds already and is about to give back, such as
     * the request of the call it admits). A large need does not pass connections already waiting
     * unless {@code woken} (the caller is the one whose turn it is).
     */
    boolean tryReserve(long need, long add, boolean woken) {
        long cap = capFor(need);
        if (need > SMALL && !woken && !waiters.isEmpty()) return false;
        for (;;) {
            long cur = reserved.get();
            if (cur + need > cap) return false;
            if (reserved.compareAndSet(cur, cur + add)) return true;
        }
    }

    /**
     * Adds {@code add} bytes if {@code need} more fit under the whole budget: for a small call
     * and the credit its connection takes along (see {@link ServerConnection}).
     */
    boolean tryReserveSmall(long need, long add) {
        for (;;) {
            long cur = reserved.get();
            if (cur + need > limit) return false;
            if (reserved.compareAndSet(cur, cur + add)) return true;
        }
    }

    /** Adds {@code delta} bytes without a check (negative: releases them and wakes a waiter). */
    void add(long delta) {
        reserved.addAndGet(delta);
        if (delta < 0) wakeHead();
    }

    /** Partial-record bytes grew or shrank by {@code delta}; they count in the total too. */
    void addPartial(long delta) {
        partial.addAndGet(delta);
        add(delta);
    }

    /** Partial-record bytes that became a complete request: still held, no longer partial. */
    void partialToRequest(long bytes) {
        partial.addAndGet(-bytes);
    }

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /**
     * Queues {@code c} for a wake-up once its {@link ServerConnection#memoryNeed} fits: at the
     * front when it keeps its turn, else at the back. Then checks the head at once, in case
     * bytes were released while {@code c} was deciding to wait.
     */
    void await(ServerConnection c, boolean front) {
        if (front) {
            waiters.offerFirst(c);
        } else {
            waiters.offerLast(c);
        }
        wakeHead();
    }

    /** {@link ServerConnection#memoryNeed} of a connection waiting to read again, not for a call. */
    static final long TO_READ = Long.MIN_VALUE;

    /**
     * True when connections may read: the budget is not all taken and partial records are within
     * their share (else they wait for connections being closed for it to go).
     */
    boolean readable() {
        return reserved.get() < limit && partial.get() <= partialLimit;
    }

    /** Wakes the first waiting connection if what it needs fits now. */
    void wakeHead() {
        ServerConnection head;
        while ((head = waiters.peekFirst()) != null && head.isClosed()) {
            waiters.remove(head); // closed while waiting: its bytes are given back already
        }
        if (head == null) return;
        long need = head.memoryNeed;
        if (need == TO_READ ? !readable() : reserved.get() + need > capFor(need)) return;
        ServerConnection c = waiters.pollFirst();
        if (c != null) c.wakeForMemory();
    }

    /**
     * After partial records grew: while they are over their share of the budget, or the budget
     * is exceeded and partial records hold a quarter of it, asks the connection holding the most
     * partial-record bytes to close (bytes of connections already asked count as gone). One scan
     * of the open connections per connection closed.
     */
    void shedPartials() {
        // Each round claims another connection, so this ends.
        while (true) {
            if (!overByPartials(partial.get(), reserved.get())) return;
            ServerConnection victim = null;
            long most = 0;
            long leaving = 0;
            for (ServerConnection c : connections) {
                long bytes = c.partialBytes();
                int state = c.evictionState();
                if (state == ServerConnection.EVICTING) {
                    leaving += bytes;
                } else if (state == ServerConnection.NOT_EVICTED && bytes > most) {
                    most = bytes;
                    victim = c;
                }
            }
            if (victim == null || !overByPartials(partial.get() - leaving, reserved.get() - leaving)) return;
            if (victim.markEvicting()) victim.evict();
        }
    }

    private boolean overByPartials(long partialBytes, long total) {
        return partialBytes > partialLimit || (total > limit && partialBytes > limit / 4);
    }

    /**
     * Logs the close of a connection holding {@code bytes} of partial records: at WARN at most
     * once every ten seconds (with the number of such closes in between), else at DEBUG.
     */
    void logBudgetClose(Logger log, InetSocketAddress remote, long bytes) {
        long now = clock.monotonicNanos();
        long due = nextWarn.get();
        if (now - due >= 0 && nextWarn.compareAndSet(due, now + WARN_INTERVAL_NANOS)) {
            long others = unloggedCloses.getAndSet(0);
            log.warn("{}: closed, holding {} bytes of a partial record while partial records take too much of the "
                    + "memory budget ({} of {} bytes held, {} of them partial records){}", remote, bytes,
                    reserved.get(), limit, partial.get(), others == 0 ? ""
                            : "; " + others + " other connections were closed so since the last such message");
        } else {
            unloggedCloses.incrementAndGet();
            log.debug("{}: closed, holding {} bytes of a partial record over the memory budget", remote, bytes);
        }
    }
}
