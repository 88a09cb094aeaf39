package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;

/**
 * The counters of one {@link RpcServer}, all named {@code <prefix>.<name>} (prefix "rpc" by
 * default). Gauges (memory reserved and budget, partial-record bytes, calls waiting for memory,
 * cache size, slabs allocated, in use and their bound) are registered by the server itself. Slabs (see
 * {@link SlabAllocator}): {@code slabs.taken} counts buffers served from a slab,
 * {@code slabs.fallbacks} requests that would have taken one but found every slab in use.
 */
final class RpcServerMetrics {

    final Counter connectionsOpen;
    final Counter connectionsAccepted;
    final Counter connectionsClosed;
    final Counter connectionsRejected;
    final Counter idleTimeouts;
    final Counter recordTimeouts;
    final Counter budgetCloses;
    final Counter writeStalls;
    final Counter recordsTooLarge;
    final Counter recordsIgnored;
    final Counter callsReceived;
    final Counter callsDropped;
    final Counter callsDelayed;
    final Counter handlerFailures;
    final Counter success;
    final Counter garbageArgs;
    final Counter systemErr;
    final Counter encodeFailures;
    final Counter progUnavail;
    final Counter progMismatch;
    final Counter procUnavail;
    final Counter rpcMismatch;
    final Counter authError;
    final Counter drcHits;
    final Counter drcInProgressDrops;
    final Counter drcEvictions;
    final Counter bytesIn;
    final Counter bytesOut;
    final Counter flushes;
    final Counter replyWakeups;
    final Counter readPauses;
    final Counter readMemoryPauses;
    final Counter slabsTaken;
    final Counter slabFallbacks;

    RpcServerMetrics(MetricRegistry registry, String prefix) {
        connectionsOpen = registry.counter(prefix + ".connections.open");
        connectionsAccepted = registry.counter(prefix + ".connections.accepted");
        connectionsClosed = registry.counter(prefix + ".connections.closed");
        connectionsRejected = registry.counter(prefix + ".connections.rejected");
        idleTimeouts = registry.counter(prefix + ".connections.idle_timeouts");
        recordTimeouts = registry.counter(prefix + ".connections.record_timeouts");
        budgetCloses = registry.counter(prefix + ".connections.budget_closed");
        writeStalls = registry.counter(prefix + ".connections.write_stalls");
        recordsTooLarge = registry.counter(prefix + ".records.too_large");
        recordsIgnored = registry.counter(prefix + ".records.ignored");
        callsReceived = registry.counter(prefix + ".calls.received");
        callsDropped = registry.counter(prefix + ".calls.dropped");
        callsDelayed = registry.counter(prefix + ".calls.delayed_for_memory");
        handlerFailures = registry.counter(prefix + ".calls.handler_failures");
        success = registry.counter(prefix + ".replies.success");
        garbageArgs = registry.counter(prefix + ".replies.garbage_args");
        systemErr = registry.counter(prefix + ".replies.system_err");
        encodeFailures = registry.counter(prefix + ".replies.encode_failures");
        progUnavail = registry.counter(prefix + ".replies.prog_unavail");
        progMismatch = registry.counter(prefix + ".replies.prog_mismatch");
        procUnavail = registry.counter(prefix + ".replies.proc_unavail");
        rpcMismatch = registry.counter(prefix + ".replies.rpc_mismatch");
        authError = registry.counter(prefix + ".replies.auth_error");
        drcHits = registry.counter(prefix + ".drc.hits");
        drcInProgressDrops = registry.counter(prefix + ".drc.in_progress_drops");
        drcEvictions = registry.counter(prefix + ".drc.evictions");
        bytesIn = registry.counter(prefix + ".bytes.in");
        bytesOut = registry.counter(prefix + ".bytes.out");
        flushes = registry.counter(prefix + ".flushes");
        replyWakeups = registry.counter(prefix + ".replies.wakeups");
        readPauses = registry.counter(prefix + ".reads.paused");
        readMemoryPauses = registry.counter(prefix + ".reads.paused_for_memory");
        slabsTaken = registry.counter(prefix + ".slabs.taken");
        slabFallbacks = registry.counter(prefix + ".slabs.fallbacks");
    }
}
