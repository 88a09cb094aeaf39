package org.echofs.cli.node;

import org.echofs.core.time.Clock;

/** The JVM's clocks: {@link System#nanoTime()} and the wall clock. Stateless, thread-safe. */
public final class JvmClock implements Clock {

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long wallNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
