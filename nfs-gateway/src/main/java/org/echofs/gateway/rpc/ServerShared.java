package org.echofs.gateway.rpc;

import org.echofs.core.time.Clock;

import java.util.concurrent.atomic.AtomicLong;

/** What every connection of one {@link RpcServer} shares. Immutable apart from the atomics. */
final class ServerShared {

    final RpcServerConfig config;
    final RpcProgram[] programs;
    final RpcServerMetrics metrics;
    /** Null when the cache is configured off (no entries or no bytes). */
    final DuplicateRequestCache drc;
    final Clock clock;
    /** Bytes of incomplete records held by all connections. */
    final AtomicLong bufferedBytes = new AtomicLong();
    final long idleNanos;
    final long recordTimeoutNanos;
    final int maxInFlight;
    final int resumeInFlight;

    ServerShared(RpcServerConfig config, RpcProgram[] programs, RpcServerMetrics metrics, DuplicateRequestCache drc,
                 Clock clock) {
        this.config = config;
        this.programs = programs;
        this.metrics = metrics;
        this.drc = drc;
        this.clock = clock;
        this.idleNanos = config.idleTimeout().toNanos();
        this.recordTimeoutNanos = config.recordTimeout().toNanos();
        this.maxInFlight = config.maxCallsInFlightPerConnection();
        this.resumeInFlight = maxInFlight / 2;
    }

    RpcProgram program(int number) {
        for (RpcProgram p : programs) {
            if (p.program() == number) return p;
        }
        return null;
    }
}
