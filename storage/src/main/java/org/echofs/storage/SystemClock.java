package org.echofs.storage;

import java.time.Instant;
import org.echofs.core.time.Clock;

/**
 * The real clock: {@link System#nanoTime()} for intervals and the system wall clock (at the
 * resolution the JVM offers, microseconds on Linux) for time stamps. Thread-safe, stateless.
 * The storage engine reads time only through a {@link Clock}; this is the one it gets in
 * production.
 */
public final class SystemClock implements Clock {

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
