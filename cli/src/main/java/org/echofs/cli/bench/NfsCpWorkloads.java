package org.echofs.cli.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The third-party client figures: libnfs's {@code nfs-cp} (package libnfs-utils) copying one
 * file of {@code --nfscp-size} bytes to or from the server, one process at a time; one op = one
 * complete copy (process start, MOUNT, transfer, exit). The local side lives in /dev/shm when
 * there is one (so the local disk is not measured), else in the JVM's temporary directory. A run
 * makes {@code --nfscp-copies} copies one after the other (or {@code --ops} copies).
 */
final class NfsCpWorkloads {

    private NfsCpWorkloads() {
    }

    /** Where the local files go. */
    static Path localDir() throws IOException {
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(parent, "echofs-bench-");
    }

    private abstract static class Copy extends Workload {
        Session session;
        long size;
        long copies;
        Path local;
        String program;
        private long started;

        void prepare(Context c) throws IOException {
            session = c.session();
            size = c.settings().nfscpSize();
            copies = c.settings().ops() > 0 ? c.settings().ops() : c.settings().nfscpCopies();
            program = c.settings().nfscp();
            local = localDir();
        }

        @Override
        final CompletableFuture<Outcome> op(Slot slot) {
            if (started >= copies) return null;
            long k = started++;
            try {
                return copy(k);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        abstract CompletableFuture<Outcome> copy(long k) throws IOException;

        /** Runs {@code program from to}; the outcome is the exit status (and output) of nfs-cp. */
        CompletableFuture<Outcome> run(String from, String to, Path checkLocal) throws IOException {
            Path out = local.resolve("nfs-cp.out");
            Process p;
            try {
                p = new ProcessBuilder(List.of(program, from, to)).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
            } catch (IOException e) {
                throw new IOException("cannot run " + program + " (install libnfs-utils, or give --nfscp): "
                        + e.getMessage(), e);
            }
            return p.onExit().thenApply(done -> {
                String text;
                try {
                    text = Files.readString(out, StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    text = "";
                }
                if (done.exitValue() != 0) return Outcome.wrong(program + " exited " + done.exitValue() + ": " + text);
                if (checkLocal != null) {
                    try {
                        long got = Files.size(checkLocal);
                        Files.deleteIfExists(checkLocal);
                        if (got != size) return Outcome.wrong(program + " copied " + got + " bytes, not " + size);
                    } catch (IOException e) {
                        return Outcome.wrong("cannot check " + checkLocal + ": " + e.getMessage());
                    }
                }
                return Outcome.bytes(0, size);
            });
        }

        @Override
        boolean finite() {
            return true;
        }

        @Override
        int slots() {
            return 1;
        }

        void removeLocal() throws IOException {
            if (local == null) return;
            try (var files = Files.list(local)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(local);
        }
    }

    /** nfs-cp-up: one op = {@code nfs-cp LOCAL nfs://.../NEW} of a local file of random data, into a fresh directory. */
    static final class Up extends Copy {
        private Session.Dir dir;
        private Path source;

        @Override
        void setup(Context c) throws IOException {
            prepare(c);
            source = local.resolve("source");
            byte[] chunk = session.pattern(1 << 20);
            try (OutputStream o = Files.newOutputStream(source)) {
                for (long left = size; left > 0; left -= chunk.length) o.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            dir = session.freshDir("nfscp-up");
        }

        @Override
        CompletableFuture<Outcome> copy(long k) throws IOException {
            return run(source.toString(), session.fileUrl(dir, "up" + k), null);
        }

        @Override
        void teardown(Context c) throws IOException {
            removeLocal();
            if (dir != null) session.removeTree(dir);
        }

        @Override
        String describe() {
            return program + " of a local " + size + " B file to a new file on the server";
        }
    }

    /** nfs-cp-down: one op = {@code nfs-cp nfs://.../FILE LOCAL} of a file the session wrote in setup. */
    static final class Down extends Copy {
        private String url;

        @Override
        void setup(Context c) throws IOException {
            prepare(c);
            session.dataFile("nfscp", size);
            url = session.fixtureUrl(Session.dataFileName("nfscp", size));
        }

        @Override
        CompletableFuture<Outcome> copy(long k) throws IOException {
            Path target = local.resolve("down" + k + "-" + Long.toHexString(new SplittableRandom().nextLong()));
            return run(url, target.toString(), target);
        }

        @Override
        void teardown(Context c) throws IOException {
            removeLocal();
        }

        @Override
        String describe() {
            return program + " of a " + size + " B file on the server to a new local file";
        }
    }
}
