package org.echofs.tests.interop;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs an external program to completion with a time limit, its stdout and stderr captured in files
 * of a scratch directory (so large outputs never block it). A program still running at the limit is
 * killed (SIGKILL) and reported as a failure. Each instance numbers its runs; safe for use from several
 * threads.
 */
final class Command {

    /** The outcome of one run. */
    record Result(List<String> argv, int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The last non-empty line of stdout ("" if none). */
        String lastLine() {
            String[] lines = out().split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) return lines[i].trim();
            }
            return "";
        }

        /** A description for assertion messages: command, exit status, and both outputs (cut). */
        String describe() {
            String o = out();
            return String.join(" ", argv) + "\n  exit " + exit + "\n  stdout: " + cut(o) + "\n  stderr: " + cut(stderr);
        }

        private static String cut(String s) {
            return s.length() <= 4000 ? s : s.substring(0, 1000) + "\n  [...]\n" + s.substring(s.length() - 3000);
        }
    }

    private final Path scratch;
    private final AtomicLong runs = new AtomicLong();

    Command(Path scratch) {
        this.scratch = scratch;
    }

    Result run(Duration limit, String... argv) throws IOException {
        return run(limit, Map.of(), List.of(argv));
    }

    Result run(Duration limit, Map<String, String> env, List<String> argv) throws IOException {
        long n = runs.incrementAndGet();
        Path out = scratch.resolve("cmd-" + n + ".out");
        Path err = scratch.resolve("cmd-" + n + ".err");
        ProcessBuilder b = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        b.environment().putAll(env);
        Process p = b.start();
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", argv) + " did not finish within " + limit + "; stderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + argv, e);
        }
        Result r = new Result(List.copyOf(argv), p.exitValue(), Files.readAllBytes(out),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }
}
