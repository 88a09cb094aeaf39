package org.echofs.core.time;

/**
 * The only source of time for logic: a monotonic reading for deadlines and a wall reading for
 * time stamps. Processes pass the system clock; tests pass a manual one.
 */
public interface Clock {

    /** Monotonic nanoseconds, for measuring intervals only. */
    long monotonicNanos();

    /** Wall clock time in nanoseconds since the epoch, for time stamps. */
    long wallNanos();
}
