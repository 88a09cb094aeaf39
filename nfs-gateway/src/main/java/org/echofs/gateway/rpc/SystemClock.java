package org.echofs.gateway.rpc;

import org.echofs.core.time.Clock;

/** The JVM's clocks, for processes that pass no clock of their own. Stateless. */
final class SystemClock implements Clock {

    static final Clock INSTANCE = new SystemClock();

    private SystemClock() { }

    @Override public long monotonicNanos() { return System.nanoTime(); }

    @Override public long wallNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
