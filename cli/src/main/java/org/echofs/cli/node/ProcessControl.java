package org.echofs.cli.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Looks at and stops node processes by pid through {@link ProcessHandle}. Stateless and
 * thread-safe.
 */
public final class ProcessControl {

    /** How a stop ended. */
    public enum Stopped {
        /** Exited after SIGTERM. */
        TERMINATED,
        /** Needed SIGKILL. */
        KILLED,
        /** Still alive even after SIGKILL (for example stuck in the kernel, or not ours to kill). */
        STILL_ALIVE
    }

    private ProcessControl() {
    }

    /** The live process with this pid, if any. */
    public static Optional<ProcessHandle> live(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    /**
     * Whether {@code process} looks like the gateway of {@code config}: its command line holds the
     * word {@code gateway} and {@code --config} naming that file (a relative name is resolved
     * against the process's working directory, read from /proc). A recycled pid (an unrelated
     * process after a reboot) does not. When the system shows no command line at all, gives the
     * benefit of the doubt.
     */
    public static boolean isGatewayOf(ProcessHandle process, Path config) {
        Optional<String[]> args = process.info().arguments();
        if (args.isEmpty()) {
            return process.info().command().isEmpty();
        }
        List<String> list = List.of(args.get());
        if (!list.contains("gateway")) {
            return false;
        }
        Path wanted = config.toAbsolutePath().normalize();
        for (int i = 0; i < list.size(); i++) {
            String value = null;
            if (list.get(i).equals("--config") && i + 1 < list.size()) {
                value = list.get(i + 1);
            } else if (list.get(i).startsWith("--config=")) {
                value = list.get(i).substring("--config=".length());
            }
            if (value != null && resolve(process, value).map(wanted::equals).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Path> resolve(ProcessHandle process, String value) {
        try {
            Path p = Path.of(value);
            if (p.isAbsolute()) {
                return Optional.of(p.normalize());
            }
            Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd"));
            return Optional.of(cwd.resolve(p).normalize());
        } catch (IOException | InvalidPathException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The process's command line for messages, as far as the system shows it. */
    public static String describe(ProcessHandle process) {
        return process.info().commandLine().orElse("pid " + process.pid());
    }

    /**
     * Sends SIGTERM, waits up to {@code grace} for the exit, then SIGKILL and waits up to
     * {@code killWait}.
     */
    public static Stopped stop(ProcessHandle process, Duration grace, Duration killWait) {
        process.destroy();
        if (awaitExit(process, grace)) {
            return Stopped.TERMINATED;
        }
        process.destroyForcibly();
        return awaitExit(process, killWait) ? Stopped.KILLED : Stopped.STILL_ALIVE;
    }

    /** Waits up to {@code timeout} for {@code process} to exit; true if it did. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }
}
