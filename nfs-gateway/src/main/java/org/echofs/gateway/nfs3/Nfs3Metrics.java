package org.echofs.gateway.nfs3;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import org.echofs.gateway.metrics.HdrReservoir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The NFS program's metrics, all registered up front: {@code nfs.<PROC>} timers,
 * {@code nfs.status.<NFS3ERR_...>} counters, {@code nfs.bytes.read}/{@code nfs.bytes.written},
 * {@code nfs.garbage_args}, {@code nfs.rejected} (executor full), {@code nfs.server_fault}
 * (unexpected failures, {@link Error}s of handlers included). The timers keep their values in an
 * {@link HdrReservoir} (cheap to update on every call). Recording never throws. Thread-safe.
 */
final class Nfs3Metrics {

    private static final Logger LOG = LoggerFactory.getLogger(Nfs3Metrics.class);

    /** By {@link Nfs3Proc#ordinal()}. */
    private final Timer[] timers;
    /** By {@link NfsStat3#ordinal()}; null for NFS3_OK. */
    private final Counter[] statuses;
    private final Counter bytesRead;
    private final Counter bytesWritten;
    private final Counter garbage;
    private final Counter rejected;
    private final Counter faults;

    Nfs3Metrics(MetricRegistry registry) {
        Nfs3Proc[] procs = Nfs3Proc.values();
        timers = new Timer[procs.length];
        for (Nfs3Proc p : procs) timers[p.ordinal()] = HdrReservoir.timer(registry, "nfs." + p.name());
        NfsStat3[] all = NfsStat3.values();
        statuses = new Counter[all.length];
        for (NfsStat3 s : all) {
            if (s != NfsStat3.NFS3_OK) statuses[s.ordinal()] = registry.counter("nfs.status." + s.name());
        }
        bytesRead = registry.counter("nfs.bytes.read");
        bytesWritten = registry.counter("nfs.bytes.written");
        garbage = registry.counter("nfs.garbage_args");
        rejected = registry.counter("nfs.rejected");
        faults = registry.counter("nfs.server_fault");
    }

    long start() {
        return System.nanoTime();
    }

    void finished(Nfs3Proc proc, long startNanos, NfsStat3 status) {
        try {
            timers[proc.ordinal()].update(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            Counter c = statuses[status.ordinal()];
            if (c != null) c.inc();
        } catch (RuntimeException e) {
            LOG.warn("metrics failed", e);
        }
    }

    void garbage(Nfs3Proc proc, long startNanos) {
        count(garbage, 1);
        finished(proc, startNanos, NfsStat3.NFS3_OK);
    }

    void bytesRead(long n) { count(bytesRead, n); }

    void bytesWritten(long n) { count(bytesWritten, n); }

    void rejected() { count(rejected, 1); }

    void fault() { count(faults, 1); }

    private static void count(Counter c, long n) {
        try {
            c.inc(n);
        } catch (RuntimeException e) {
            LOG.warn("metrics failed", e);
        }
    }
}
