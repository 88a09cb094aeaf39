package org.echofs.cli.bench;

import org.echofs.core.time.Clock;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One run of one workload against one session. The {@link Runner} calls {@link #setup} (not
 * timed), then {@link #op} from every {@link Slot} until the run ends, then {@link #finish}
 * (timed: it belongs to the run, e.g. the COMMIT after a sequential write), then
 * {@link #teardown} (not timed). A new instance serves each run.
 *
 * <p>Threads: setup, finish and teardown run on the runner's thread; {@link #op} is called
 * concurrently from the connections' I/O threads (never twice at once for one slot), so state
 * shared between slots must be thread-safe. {@code op} must not block.
 *
 * <p>Failures: setup and teardown throw {@link IOException} (the run is reported as failed); an
 * op completes with an {@link Outcome} carrying a non-zero NFS status or an error text when the
 * server refused or answered wrongly, and completes exceptionally when the call itself failed
 * (timeout, closed connection), which stops the run.
 */
abstract class Workload {

    /** What a run needs besides the workload: the session, the settings, the clock, how many slots run. */
    record Context(Session session, BenchSettings settings, Clock clock, int slots) { }

    /**
     * The result of one op.
     *
     * @param status      NFS status of the op (0 = NFS3_OK); the first failing call's status
     * @param bytes       payload bytes read or written
     * @param items       things counted besides bytes (directory entries for readdir)
     * @param commitNanos duration of a COMMIT the op made, or -1
     * @param error       what was wrong with a reply whose status was OK, or null
     */
    record Outcome(int status, long bytes, long items, long commitNanos, String error) {
        static final Outcome OK = new Outcome(0, 0, 0, -1, null);

        static Outcome of(int status) {
            return status == 0 ? OK : new Outcome(status, 0, 0, -1, null);
        }

        static Outcome bytes(int status, long bytes) {
            return new Outcome(status, bytes, 0, -1, null);
        }

        static Outcome wrong(String error) {
            return new Outcome(0, 0, 0, -1, error);
        }

        boolean failed() {
            return status != 0 || error != null;
        }
    }

    /**
     * One of the {@code connections x depth} loops that each keep one op in flight. {@code seq}
     * counts the ops this slot issued in this run (warm-up included) and is advanced by the
     * runner after each call to {@link #op}.
     */
    static final class Slot {
        final int index;
        final BenchClient client;
        final SplittableRandom random;
        long seq;

        Slot(int index, BenchClient client, SplittableRandom random) {
            this.index = index;
            this.client = client;
            this.random = random;
        }
    }

    /** Prepares the objects the ops need; not timed. */
    abstract void setup(Context context) throws IOException;

    /** Starts one op on {@code slot}; null when the workload has nothing left to do. */
    abstract CompletableFuture<Outcome> op(Slot slot);

    /** Work that ends the timed part of the run, after the last op (e.g. a COMMIT); null for none. */
    CompletableFuture<Outcome> finish(Context context) {
        return null;
    }

    /** Removes what setup and the ops made; not timed. */
    void teardown(Context context) throws IOException {
    }

    /** Whether the run ends when the workload is exhausted (not after --duration); such runs have no warm-up. */
    boolean finite() {
        return false;
    }

    /** The number of slots this workload runs with, or 0 for connections x depth. */
    int slots() {
        return 0;
    }

    /** A line for the report saying what one op was in this run (sizes actually used). */
    abstract String describe();
}
