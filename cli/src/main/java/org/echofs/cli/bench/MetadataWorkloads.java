package org.echofs.cli.bench;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.DirEntry;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The metadata workloads. Each op's definition is in the class comment; "the file set" is a
 * directory of {@code --files} empty files made once per session (setup, not timed). Op targets
 * are spread so that concurrent slots touch different files: slot {@code s} at its n-th op uses
 * file {@code (s + n * slots) mod files}.
 */
final class MetadataWorkloads {

    private MetadataWorkloads() {
    }

    private static int spread(Workload.Slot slot, int slots, int count) {
        return (int) Math.floorMod(slot.index + slot.seq * slots, (long) count);
    }

    /** getattr: one op = one GETATTR of a file of the file set. */
    static final class Getattr extends Workload {
        private Session.FileSet set;
        private int slots;

        @Override
        void setup(Context c) throws IOException {
            set = c.session().files(c.settings().files());
            slots = c.slots();
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            byte[] fh = set.handles()[spread(slot, slots, set.handles().length)];
            return slot.client.getattr(fh).thenApply(r -> Outcome.of(r.status()));
        }

        @Override
        String describe() {
            return "GETATTR of one of " + set.names().length + " files";
        }
    }

    /** lookup: one op = one LOOKUP of an existing name in the file set's directory. */
    static final class Lookup extends Workload {
        private Session.FileSet set;
        private int slots;

        @Override
        void setup(Context c) throws IOException {
            set = c.session().files(c.settings().files());
            slots = c.slots();
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            String name = set.names()[spread(slot, slots, set.names().length)];
            return slot.client.lookup(set.dir(), name).thenApply(r -> Outcome.of(r.status()));
        }

        @Override
        String describe() {
            return "LOOKUP of an existing name in a directory of " + set.names().length + " files";
        }
    }

    /** stat: one op = LOOKUP of a name in the file set's directory, then GETATTR of the handle it returned (stat(2) of a path). */
    static final class Stat extends Workload {
        private Session.FileSet set;
        private int slots;

        @Override
        void setup(Context c) throws IOException {
            set = c.session().files(c.settings().files());
            slots = c.slots();
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            String name = set.names()[spread(slot, slots, set.names().length)];
            return slot.client.lookup(set.dir(), name).thenCompose(l -> l.status() != 0
                    ? CompletableFuture.completedFuture(Outcome.of(l.status()))
                    : slot.client.getattr(l.handle()).thenApply(a -> Outcome.of(a.status())));
        }

        @Override
        String describe() {
            return "LOOKUP + GETATTR of a path in a directory of " + set.names().length + " files";
        }
    }

    /**
     * create: one op = CREATE (GUARDED, mode 0644) of a new name in a fresh directory, WRITE of
     * {@code --create-size} bytes (UNSTABLE) and COMMIT of that file. The directory and what the
     * run created are removed after the run (not timed).
     */
    static final class Create extends Workload {
        private Session session;
        private Session.Dir dir;
        private byte[] data;
        private int size;

        @Override
        void setup(Context c) throws IOException {
            session = c.session();
            size = c.settings().createSize();
            data = session.pattern(Math.max(size, 1));
            dir = session.freshDir("create");
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            String name = "c" + slot.index + "-" + slot.seq;
            return slot.client.create(dir.handle(), name).thenCompose(cr -> {
                if (cr.status() != 0) return CompletableFuture.completedFuture(Outcome.of(cr.status()));
                if (cr.handle() == null) return CompletableFuture.completedFuture(Outcome.wrong("CREATE returned no handle"));
                if (size == 0) return slot.client.commit(cr.handle()).thenApply(cm -> Outcome.of(cm.status()));
                return slot.client.write(cr.handle(), 0, data, size, Nfs3Client.UNSTABLE).thenCompose(w -> {
                    if (w.status() != 0) return CompletableFuture.completedFuture(Outcome.of(w.status()));
                    if (w.count() != size) return CompletableFuture.completedFuture(Outcome.wrong("short WRITE"));
                    return slot.client.commit(cr.handle()).thenApply(cm -> Outcome.bytes(cm.status(), size));
                });
            });
        }

        @Override
        void teardown(Context c) throws IOException {
            if (dir != null) session.removeTree(dir);
        }

        @Override
        String describe() {
            return "CREATE + WRITE " + size + " B UNSTABLE + COMMIT of a new file in a fresh directory";
        }
    }

    /**
     * rename: one op = RENAME of a file to a new name in the same directory. The directory holds
     * {@code --files} pre-created files, each slot renames its own share of them in turn
     * ({@code rS-J.G} to {@code rS-J.G+1}), so no two ops in flight touch the same file.
     */
    static final class Rename extends Workload {
        private Session session;
        private Session.Dir dir;
        private int perSlot;
        private int total;

        @Override
        void setup(Context c) throws IOException {
            session = c.session();
            perSlot = Math.max(1, (c.settings().files() + c.slots() - 1) / c.slots());
            dir = session.freshDir("rename");
            total = perSlot * c.slots();
            session.bulk("CREATE", total, i -> {
                String name = name((int) (i / perSlot), (int) (i % perSlot), 0);
                return session.client(i).create(dir.handle(), name).thenApply(r -> {
                    Session.expect(r.status(), "CREATE " + name);
                    return r;
                });
            });
        }

        private static String name(int slot, int file, long generation) {
            return "r" + slot + "-" + file + "." + generation;
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            int file = (int) (slot.seq % perSlot);
            long gen = slot.seq / perSlot;
            return slot.client.rename(dir.handle(), name(slot.index, file, gen), name(slot.index, file, gen + 1))
                    .thenApply(r -> Outcome.of(r.status()));
        }

        @Override
        void teardown(Context c) throws IOException {
            if (dir != null) session.removeTree(dir);
        }

        @Override
        String describe() {
            return "RENAME within a directory of " + total + " pre-created files (" + perSlot + " per slot)";
        }
    }

    /**
     * remove: one op = REMOVE of a pre-created empty file. Setup creates {@code --remove-files}
     * files (spread over the slots); the run ends when they are all removed (or after --ops).
     */
    static final class Remove extends Workload {
        private Session session;
        private Session.Dir dir;
        private int perSlot;
        private int slots;

        @Override
        void setup(Context c) throws IOException {
            session = c.session();
            slots = c.slots();
            perSlot = Math.max(1, (c.settings().removeFiles() + c.slots() - 1) / c.slots());
            dir = session.freshDir("remove");
            session.bulk("CREATE", (long) perSlot * c.slots(), i -> {
                String name = "d" + (i / perSlot) + "-" + (i % perSlot);
                return session.client(i).create(dir.handle(), name).thenApply(r -> {
                    Session.expect(r.status(), "CREATE " + name);
                    return r;
                });
            });
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            if (slot.seq >= perSlot) return null;
            return slot.client.remove(dir.handle(), "d" + slot.index + "-" + slot.seq)
                    .thenApply(r -> Outcome.of(r.status()));
        }

        @Override
        boolean finite() {
            return true;
        }

        @Override
        void teardown(Context c) throws IOException {
            if (dir != null) session.removeTree(dir);
        }

        @Override
        String describe() {
            return "REMOVE of one of " + (long) perSlot * slots + " pre-created empty files (" + perSlot + " per slot)";
        }
    }

    /**
     * readdir: one op = a complete listing of a directory of {@code --dir-entries} files with
     * READDIR calls of {@code --readdir-count} bytes, following cookies from 0 to eof. An op
     * whose listing does not have every name counts as an error.
     */
    static final class Readdir extends Workload {
        private Session.FileSet set;
        private int count;

        @Override
        void setup(Context c) throws IOException {
            set = c.session().files(c.settings().dirEntries());
            count = c.settings().readdirCount();
        }

        @Override
        CompletableFuture<Outcome> op(Slot slot) {
            CompletableFuture<Outcome> done = new CompletableFuture<>();
            next(slot.client, 0, 0, 0, done);
            return done;
        }

        private void next(BenchClient client, long cookie, long verifier, long seen, CompletableFuture<Outcome> done) {
            client.readdir(set.dir(), cookie, verifier, count).whenComplete((r, e) -> {
                if (e != null) {
                    done.completeExceptionally(e);
                    return;
                }
                if (r.status() != 0) {
                    done.complete(Outcome.of(r.status()));
                    return;
                }
                long n = seen;
                long last = cookie;
                for (DirEntry entry : r.entries()) {
                    last = entry.cookie();
                    if (!entry.name().equals(".") && !entry.name().equals("..")) n++;
                }
                if (r.eof()) {
                    done.complete(n == set.names().length ? new Outcome(0, 0, n, -1, null)
                            : Outcome.wrong("listing had " + n + " entries, expected " + set.names().length));
                } else if (r.entries().isEmpty()) {
                    done.complete(Outcome.wrong("READDIR returned no entries before eof"));
                } else {
                    next(client, last, r.verifier(), n, done);
                }
            });
        }

        @Override
        String describe() {
            return "full READDIR listing (count " + count + " B) of a directory of " + set.names().length + " files";
        }
    }
}
