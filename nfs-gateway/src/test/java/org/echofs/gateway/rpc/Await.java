package org.echofs.gateway.rpc;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits for a condition another thread makes true, polling every millisecond. */
final class Await {

    private Await() { }

    static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) fail("timed out after " + timeout + " waiting for " + what.get());
            LockSupport.parkNanos(1_000_000);
        }
    }

    static void until(BooleanSupplier condition, Supplier<String> what) {
        until(condition, Duration.ofSeconds(10), what);
    }
}
