package org.echofs.cli.node;

import org.echofs.core.time.Clock;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Waits for a freshly launched gateway to serve: until it has written {@code run/gateway.json}
 * with its own pid and its NFS port answers an RPC NULL call, or it exits, or the time is up.
 * Between attempts it waits on the process's exit, so a dying gateway is noticed at once.
 * Single-threaded; the deadline comes from the injected {@link Clock}.
 */
public final class Readiness {

    /** How the wait ended. */
    public enum State { SERVING, EXITED, TIMED_OUT }

    /**
     * @param info   the serving record (when SERVING)
     * @param detail what was last seen: the exit code, or the last ping problem
     */
    public record Result(State state, Optional<GatewayInfo> info, String detail) {
    }

    private static final Duration POLL = Duration.ofMillis(200);

    private final Clock clock;
    private final RpcPing ping;

    public Readiness(Clock clock, RpcPing ping) {
        this.clock = clock;
        this.ping = ping;
    }

    public Result await(ProcessHandle process, RunFiles run, Duration timeout) {
        long deadline = clock.monotonicNanos() + timeout.toNanos();
        String last = "it did not write " + run.dir().infoFile() + " yet";
        while (true) {
            if (!process.isAlive()) {
                return new Result(State.EXITED, Optional.empty(), "the gateway exited");
            }
            Optional<GatewayInfo> info = run.readInfoOf(process.pid());
            if (info.isPresent()) {
                try {
                    RpcPing.Answer answer = ping.pingNfs(info.get().nfsAddress());
                    if (answer.ok()) {
                        return new Result(State.SERVING, info, answer.detail());
                    }
                    last = "NFS NULL call: " + answer.detail();
                } catch (IOException e) {
                    last = "NFS NULL call: " + e.getMessage();
                }
            }
            long left = deadline - clock.monotonicNanos();
            if (left <= 0) {
                return new Result(State.TIMED_OUT, Optional.empty(), last);
            }
            ProcessControl.awaitExit(process, Duration.ofNanos(Math.min(left, POLL.toNanos())));
        }
    }
}
