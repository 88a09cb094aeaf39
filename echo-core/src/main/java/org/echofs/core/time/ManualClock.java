package org.echofs.core.time;

/** A clock that moves only when told to, for tests and simulation. Not thread-safe. */
public final class ManualClock implements Clock {

    private long monotonic;
    private long wall;

    public ManualClock(long wallNanos) {
        this.wall = wallNanos;
    }

    @Override public long monotonicNanos() { return monotonic; }

    @Override public long wallNanos() { return wall; }

    /** Moves both readings forward by {@code nanos}. */
    public void advance(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("time does not go back: " + nanos);
        monotonic += nanos;
        wall += nanos;
    }
}
