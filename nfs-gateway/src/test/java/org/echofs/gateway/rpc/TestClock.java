package org.echofs.gateway.rpc;

import org.echofs.core.time.Clock;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A manual clock that the test thread may move while I/O threads read it. */
final class TestClock implements Clock {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override public long monotonicNanos() { return nanos.get(); }

    @Override public long wallNanos() { return nanos.get(); }

    void advance(Duration d) { nanos.addAndGet(d.toNanos()); }
}
