package org.echofs.gateway.rpc;

import io.netty.buffer.PooledByteBufAllocator;
import org.echofs.core.time.Clock;

import org.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What every connection of one {@link RpcServer} shares. Immutable apart from the atomics. */
final class ServerShared {

    final RpcServerConfig config;
    final RpcProgram[] programs;
    final RpcServerMetrics metrics;
    /** Null when the cache is configured off (no entries or no bytes). */
    final DuplicateRequestCache drc;
    final Clock clock;
    /** Bytes held for all connections, and the rules for them. */
    final MemoryBudget memory;
    final long idleNanos;
    final long recordTimeoutNanos;
    final long writeStallNanos;
    final int maxInFlight;
    final int resumeInFlight;
    /**
     * Direct buffers for large payloads: READ data and records that span socket reads (the
     * channels' adaptive allocator does not pool buffers of a maximum record's size). Large ones
     * come from reused slabs, the rest from a pooled allocator.
     */
    final SlabAllocator dataAlloc;

    ServerShared(RpcServerConfig config, RpcProgram[] programs, RpcServerMetrics metrics, DuplicateRequestCache drc,
                 Clock clock) {
        this.config = config;
        this.programs = programs;
        this.metrics = metrics;
        this.drc = drc;
        this.clock = clock;
        this.idleNanos = config.idleTimeout().toNanos();
        this.recordTimeoutNanos = config.recordTimeout().toNanos();
        this.writeStallNanos = config.writeStallTimeout().toNanos();
        this.memory = new MemoryBudget(config.memoryBudget(), config.connectionBudget(), clock);
        this.maxInFlight = config.maxCallsInFlightPerConnection();
        this.resumeInFlight = maxInFlight / 2;
        this.dataAlloc = new SlabAllocator(new PooledByteBufAllocator(true), config.maxRecordSize(), config.slabs(),
                metrics.slabsTaken, metrics.slabFallbacks);
    }

    /** Procedures that have already logged a failure at WARN. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * Logs a procedure's failure: the first one of each program, version and procedure at WARN
     * (one line), later ones at DEBUG, so a failing procedure cannot flood the log. Stack traces
     * only at DEBUG.
     */
    void logFailure(Logger log, int program, int version, String procedure, String what, Throwable t) {
        String key = program + "/" + version + "/" + procedure;
        if (warned.add(key)) {
            log.warn("RPC program {} version {} {}: {} threw {}; answered SYSTEM_ERR (further failures of this "
                    + "procedure are logged at DEBUG)", program, version, procedure, what, t.toString());
        } else {
            log.debug("RPC program {} version {} {}: {} threw {}; answered SYSTEM_ERR", program, version, procedure,
                    what, t.toString());
        }
        log.debug("stack trace", t);
    }

    /** Logs an ignored second answer: the first per procedure at WARN, later ones at DEBUG. */
    void logSecondAnswer(Logger log, int program, int version, String procedure, String what, int xid) {
        if (warned.add("twice/" + program + "/" + version + "/" + procedure)) {
            log.warn("second answer ({}) to RPC program {} version {} {} xid {} ignored (further ones for this "
                    + "procedure are logged at DEBUG)", what, program, version, procedure, xid);
        } else {
            log.debug("second answer ({}) to RPC program {} version {} {} xid {} ignored", what, program, version,
                    procedure, xid);
        }
    }

    RpcProgram program(int number) {
        for (RpcProgram p : programs) {
            if (p.program() == number) return p;
        }
        return null;
    }
}
