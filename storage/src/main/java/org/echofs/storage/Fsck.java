package org.echofs.storage;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.echofs.storage.log.LogRecovery;

/**
 * Checks a volume offline. It takes the volume's lock (and refuses a volume in use), replays
 * the log into the metadata as start-up does, and then checks: every entry names an existing
 * object in a directory; every object but the root is named and reachable from the root; link
 * counts match the entries (directories: 2 + subdirectories); each directory's parent matches
 * its entry; no object id is at or above the next id; entry cookies are below their directory's
 * next cookie; data files belong to live regular files and are not longer than their size.
 * Data file leftovers of a crash (a data file longer than its file, holding unstable bytes that
 * were never committed; the data file of an object whose removal was logged) are not damage on a
 * volume that was not shut down cleanly: the engine removes them when it next opens the volume,
 * so the report lists them apart as {@link FsckReport#leftovers()}. On a cleanly shut down
 * volume they are problems. Nothing is repaired here.
 *
 * <p>Holds all object rows in memory while checking. Not thread-safe; use one per check.
 */
public final class Fsck {

    /**
     * Checks the volume in {@code dir}.
     *
     * @throws IOException when the directory is not a volume, is in use, or cannot be read
     */
    public FsckReport check(Path dir) throws IOException {
        VolumeDir vd = VolumeDir.open(dir, false);
        try {
            MetaStore meta;
            try {
                meta = MetaStore.open(vd.meta, false, 16);
            } catch (MetaException e) {
                throw new IOException(e.getMessage(), e);
            }
            try {
                LogRecovery.Result rec = LogRecovery.recover(vd.log, meta.appliedLsn(), e -> meta.apply(e.lsn(), e.record()));
                boolean clean = meta.counter(MetaStore.CLEAN, 0) == 1 && rec.replayed() == 0 && !rec.truncatedTail();
                if (rec.replayed() > 0) meta.checkpoint();
                return check(vd, meta, rec.replayed(), clean);
            } catch (MetaException e) {
                throw new IOException(e.getMessage(), e);
            } finally {
                meta.close();
            }
        } finally {
            vd.close();
        }
    }

    private FsckReport check(VolumeDir vd, MetaStore meta, int replayed, boolean cleanShutdown) throws IOException {
        List<FsckReport.Problem> problems = new ArrayList<>();
        List<FsckReport.Problem> leftovers = new ArrayList<>();
        List<FsckReport.Problem> dataLeftovers = cleanShutdown ? problems : leftovers;
        Map<Long, ObjRow> objects = new HashMap<>();
        meta.scanObjects(r -> objects.put(r.id(), r));
        Map<Long, Integer> links = new HashMap<>();
        Map<Long, Integer> subdirs = new HashMap<>();
        Map<Long, List<Long>> children = new HashMap<>();
        Map<Long, List<Long>> dirEntriesOf = new HashMap<>(); // directory child -> dirs holding an entry for it
        long[] entryCount = {0};
        meta.scanEntries((dir, name, child, cookie) -> {
            entryCount[0]++;
            ObjRow d = objects.get(dir);
            ObjRow c = objects.get(child);
            if (d == null || !d.isDir()) {
                problems.add(new FsckReport.Problem(FsckReport.Kind.DANGLING_ENTRY, child,
                        "entry '" + name + "' lives in " + dir + ", which is not an existing directory"));
                return;
            }
            if (c == null) {
                problems.add(new FsckReport.Problem(FsckReport.Kind.DANGLING_ENTRY, child,
                        "entry '" + name + "' in directory " + dir + " names a missing object"));
                return;
            }
            if (cookie < 3 || cookie >= d.nextCookie()) {
                problems.add(new FsckReport.Problem(FsckReport.Kind.BAD_COOKIE, dir, "entry '" + name + "' has cookie "
                        + cookie + " but the directory's next cookie is " + d.nextCookie()));
            }
            links.merge(child, 1, Integer::sum);
            children.computeIfAbsent(dir, k -> new ArrayList<>()).add(child);
            if (c.isDir()) {
                subdirs.merge(dir, 1, Integer::sum);
                dirEntriesOf.computeIfAbsent(child, k -> new ArrayList<>(1)).add(dir);
            }
        });

        for (String m : meta.cookieIndexMismatches()) {
            problems.add(new FsckReport.Problem(FsckReport.Kind.BAD_COOKIE, 0, m));
        }

        ObjRow root = objects.get(StorageEngine.ROOT_ID);
        if (root == null || !root.isDir()) {
            problems.add(new FsckReport.Problem(FsckReport.Kind.BAD_ROOT, StorageEngine.ROOT_ID,
                    "the root directory is missing or not a directory"));
        } else {
            if (root.parent() != StorageEngine.ROOT_ID) {
                problems.add(new FsckReport.Problem(FsckReport.Kind.BAD_ROOT, StorageEngine.ROOT_ID,
                        "the root's parent is " + root.parent()));
            }
            if (links.containsKey(StorageEngine.ROOT_ID)) {
                problems.add(new FsckReport.Problem(FsckReport.Kind.BAD_ROOT, StorageEngine.ROOT_ID,
                        "an entry names the root directory"));
            }
        }

        Set<Long> reached = new HashSet<>();
        if (root != null) {
            ArrayDeque<Long> todo = new ArrayDeque<>();
            todo.add(StorageEngine.ROOT_ID);
            reached.add(StorageEngine.ROOT_ID);
            while (!todo.isEmpty()) {
                long d = todo.poll();
                for (long c : children.getOrDefault(d, List.of())) {
                    if (reached.add(c)) {
                        ObjRow cr = objects.get(c);
                        if (cr != null && cr.isDir()) todo.add(c);
                    }
                }
            }
        }

        long nextId = meta.nextObjectId();
        for (ObjRow r : objects.values()) {
            long id = r.id();
            int named = links.getOrDefault(id, 0);
            if (id != StorageEngine.ROOT_ID) {
                if (named == 0) {
                    problems.add(new FsckReport.Problem(FsckReport.Kind.ORPHAN_OBJECT, id,
                            "a " + r.type() + " that no entry names"));
                } else if (!reached.contains(id)) {
                    problems.add(new FsckReport.Problem(FsckReport.Kind.UNREACHABLE_OBJECT, id,
                            "a " + r.type() + " not reachable from the root"));
                }
            }
            int expected = r.isDir() ? 2 + subdirs.getOrDefault(id, 0) : named;
            if (r.nlink() != expected && !(id != StorageEngine.ROOT_ID && named == 0 && !r.isDir())) {
                problems.add(new FsckReport.Problem(FsckReport.Kind.WRONG_NLINK, id,
                        "link count " + r.nlink() + ", expected " + expected));
            }
            if (r.isDir() && id != StorageEngine.ROOT_ID) {
                List<Long> holders = dirEntriesOf.getOrDefault(id, List.of());
                if (holders.size() > 1) {
                    problems.add(new FsckReport.Problem(FsckReport.Kind.WRONG_PARENT, id,
                            "directory named by " + holders.size() + " entries"));
                } else if (holders.size() == 1 && holders.get(0) != r.parent()) {
                    problems.add(new FsckReport.Problem(FsckReport.Kind.WRONG_PARENT, id,
                            "parent is " + r.parent() + " but its entry is in " + holders.get(0)));
                }
            }
            if (id >= nextId) {
                problems.add(new FsckReport.Problem(FsckReport.Kind.ID_BEYOND_NEXT, id,
                        "id at or above the next object id " + nextId));
            }
        }

        long[] dataFiles = {0};
        DataStore data = new DataStore(vd.data, 1, 0, 0, new MetricRegistry());
        try {
            data.scan((id, path, length) -> {
                dataFiles[0]++;
                if (id < 0) {
                    problems.add(new FsckReport.Problem(FsckReport.Kind.UNEXPECTED_FILE, 0, "unexpected file " + path));
                    return;
                }
                ObjRow r = objects.get(id);
                if (r == null || !r.isFile()) {
                    dataLeftovers.add(new FsckReport.Problem(FsckReport.Kind.ORPHAN_DATA_FILE, id,
                            "data file " + path + " of " + (r == null ? "a removed object" : "a " + r.type())));
                } else if (length > r.size()) {
                    dataLeftovers.add(new FsckReport.Problem(FsckReport.Kind.DATA_FILE_TOO_LONG, id,
                            "data file has " + length + " bytes, the file's size is " + r.size()));
                }
            });
        } finally {
            data.close();
        }
        return new FsckReport(vd.root, objects.size(), entryCount[0], dataFiles[0], replayed, problems, leftovers);
    }
}
