package org.echofs.cli.bench;

import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * The measured part of one run of one workload against one server. Immutable once built (the
 * histograms are not modified after the run).
 *
 * @param target       the server's name
 * @param workload     which workload
 * @param round        1-based round of a comparison (1 for a single run)
 * @param description  what one op was, with the sizes used
 * @param ops          ops that succeeded in the measured part
 * @param errors       ops that got an NFS error or a wrong answer
 * @param elapsedNanos from the first op issued to the end of the last op (and of the finishing
 *                     COMMIT, for workloads that have one)
 * @param bytes        payload bytes of the successful ops
 * @param items        directory entries listed (readdir)
 * @param latency      latency of successful ops, nanoseconds
 * @param commits      latency of COMMITs made inside ops or at the end, nanoseconds
 * @param calls        NFS calls sent during the measured part, by procedure
 * @param firstError   the first op error, or null
 * @param failure      why the run stopped early or could not run, or null
 * @param fromMillis   wall clock time the measured part began, milliseconds since the epoch (0 if never)
 * @param toMillis     wall clock time it ended
 * @param serverCpuNanos CPU time (user + system) the server process used during the measured
 *                     part, or -1 when the server was not watched
 */
public record RunResult(String target, WorkloadKind workload, int round, String description, long ops, long errors,
                        long elapsedNanos, long bytes, long items, Histogram latency, Histogram commits,
                        Map<String, Long> calls, String firstError, String failure, long fromMillis, long toMillis,
                        long serverCpuNanos) {

    /** A run that could not be made at all. */
    static RunResult failed(String target, WorkloadKind workload, int round, String failure) {
        return new RunResult(target, workload, round, "", 0, 0, 0, 0, 0, new Histogram(3), new Histogram(3),
                Map.of(), null, failure, 0, 0, -1);
    }

    /** The same run, failed for {@code why} if it had not failed yet. */
    RunResult withFailure(String why) {
        return failure != null ? this : new RunResult(target, workload, round, description, ops, errors, elapsedNanos,
                bytes, items, latency, commits, calls, firstError, why, fromMillis, toMillis, serverCpuNanos);
    }

    /** Whether the figures may be quoted: no failure and no op error. */
    public boolean ok() {
        return failure == null && errors == 0 && ops > 0;
    }

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    public double opsPerSecond() {
        return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
    }

    /** Payload megabytes (10^6 bytes) per second. */
    public double megabytesPerSecond() {
        return elapsedNanos == 0 ? 0 : bytes * 1e3 / elapsedNanos;
    }

    /** The headline figure: MB/s for bandwidth workloads, else ops/s. */
    public double rate() {
        return workload.bandwidth() ? megabytesPerSecond() : opsPerSecond();
    }

    /** Server CPU microseconds per successful op, or -1 when unknown. */
    public double serverCpuMicrosPerOp() {
        return serverCpuNanos < 0 || ops == 0 ? -1 : serverCpuNanos / 1e3 / ops;
    }

    /** A latency percentile in milliseconds (0 when nothing was recorded). */
    public double latencyMillis(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1e6;
    }
}
