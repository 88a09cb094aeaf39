package org.echofs.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.echofs.core.fs.FileType;
import org.echofs.storage.log.UpdateRecord;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;

/**
 * The volume's metadata in an H2 MVStore ({@code meta/echofs.mv.db}), used through its
 * key-value maps:
 * <pre>
 * objects   id                  -&gt; row (type, mode, nlink, owner, size, times, parent, next cookie, target, verifier)
 * entries   (dir, name)         -&gt; (child, cookie)
 * cookies   (dir, cookie)       -&gt; (child, name)       the listing order of a directory
 * counters  name                -&gt; value              applied_lsn, next_object_id, id_limit, starts, clean
 * </pre>
 *
 * <p>Nothing is written to the file except by {@link #checkpoint()}: auto-commit is off and the
 * write buffer is zero, so MVStore never stores on its own. The engine checkpoints only while no
 * record is being applied, so the file always holds exactly the state after some LSN (stored as
 * {@code applied_lsn}), and start-up replays the log from there. (H2's SQL layer stores in the
 * background at arbitrary moments, not atomically across tables; after kill -9 that left
 * {@code applied_lsn} ahead of the rows it covered, or rows locked by a transaction that no
 * longer existed. Hence the key-value API.)
 *
 * <p>{@link #apply} is the only way state changes: the normal path and log replay both use it.
 * A record is checked against the current state before anything is written; a record that does
 * not fit (a damaged log or a bug) fails with IllegalStateException and changes nothing.
 *
 * <p>Threads: {@link #apply}, {@link #setCounter}, {@link #checkpoint(boolean)} and the test hooks must
 * be called by one thread at a time (the engine's update lock); the read methods from any
 * thread, concurrently (MVStore maps are lock-free for readers). A reader may see part of a
 * record being applied; writes are ordered so that it never sees an entry whose object is
 * missing. Failures of the store surface as {@link MetaException}.
 */
final class MetaStore implements AutoCloseable {

    static final String APPLIED_LSN = "applied_lsn", NEXT_OBJECT_ID = "next_object_id", ID_LIMIT = "id_limit",
            STARTS = "starts", CLEAN = "clean";

    /** A directory entry, with the child's row when it was asked for. */
    record Entry(String name, long child, long cookie, ObjRow row) { }

    /**
     * A key or value of the entries and cookies maps: two numbers and a string, ordered by
     * {@code a}, then {@code b}, then {@code s} (null first).
     */
    record Tuple(long a, long b, String s) { }

    private final MVStore store;
    private final MVMap<Long, ObjRow> objects;
    private final MVMap<Tuple, Tuple> entries;
    private final MVMap<Tuple, Tuple> cookies;
    private final MVMap<String, Long> counters;

    private volatile long appliedLsn;
    private long nextObjectId;
    private long idLimit;
    private volatile boolean closed;

    private MetaStore(MVStore store) {
        this.store = store;
        this.objects = store.openMap("objects", new MVMap.Builder<Long, ObjRow>()
                .keyType(LongDataType.INSTANCE).valueType(RowType.INSTANCE));
        this.entries = store.openMap("entries", new MVMap.Builder<Tuple, Tuple>()
                .keyType(TupleType.INSTANCE).valueType(TupleType.INSTANCE));
        this.cookies = store.openMap("cookies", new MVMap.Builder<Tuple, Tuple>()
                .keyType(TupleType.INSTANCE).valueType(TupleType.INSTANCE));
        this.counters = store.openMap("counters", new MVMap.Builder<String, Long>()
                .keyType(StringDataType.INSTANCE).valueType(LongDataType.INSTANCE));
        this.appliedLsn = counter(APPLIED_LSN, 0);
        this.nextObjectId = counter(NEXT_OBJECT_ID, 0);
        this.idLimit = counter(ID_LIMIT, 0);
    }

    /**
     * Opens (or, with {@code create}, creates) the store in {@code metaDir}.
     *
     * @param cacheMiB the page cache size of the store
     */
    static MetaStore open(Path metaDir, boolean create, int cacheMiB) {
        Path file = metaDir.resolve("echofs.mv.db");
        if (!create && !java.nio.file.Files.exists(file)) {
            throw new MetaException("the metadata store " + file + " is missing", null);
        }
        try {
            MVStore s = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().autoCommitBufferSize(0)
                    .cacheSize(cacheMiB).open();
            s.setVersionsToKeep(0);
            return new MetaStore(s);
        } catch (MVStoreException e) {
            throw new MetaException("cannot open the metadata store " + file + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ counters and checkpoints

    long appliedLsn() { return appliedLsn; }

    /** The next object id a create may use (kept by the records applied). */
    long nextObjectId() { return nextObjectId; }

    /** Ids below this limit may have been handed out. */
    long idLimit() { return idLimit; }

    /** A counter's value, or {@code dflt} when unset. */
    long counter(String key, long dflt) {
        Long v = counters.get(key);
        return v == null ? dflt : v;
    }

    /** Sets a counter outside the log (volume bookkeeping such as the start count); durable at the next checkpoint. */
    void setCounter(String key, long value) {
        counters.put(key, value);
    }

    /** Bytes of changes not yet in the file. */
    long unsavedBytes() {
        return store.getUnsavedMemory();
    }

    /**
     * Writes every change to the file (not yet synced; see {@link #sync}). The caller makes sure no
     * record is being applied meanwhile (the engine holds its update lock), so the file gets a
     * whole state. With {@code compact}, first rewrites sparse chunks (up to 4 MiB of them).
     */
    void checkpoint(boolean compact) {
        try {
            if (store.hasUnsavedChanges()) {
                if (compact) store.compact(50, 4 << 20);
                store.commit();
            }
        } catch (MVStoreException e) {
            throw new MetaException("checkpoint of the metadata store failed: " + e.getMessage(), e);
        }
    }

    /** Forces what {@link #checkpoint} wrote to disk. Any thread; nothing else writes to the file meanwhile. */
    void sync() {
        try {
            store.sync();
        } catch (MVStoreException e) {
            throw new MetaException("syncing the metadata store failed: " + e.getMessage(), e);
        }
    }

    /** {@link #checkpoint} and {@link #sync} together. */
    void checkpoint() {
        checkpoint(false);
        sync();
    }

    /** Creates the root directory and the counters of a new volume (durable at the next checkpoint). */
    void format(ObjRow root, long firstId, long limit) {
        objects.put(root.id(), root);
        counters.put(NEXT_OBJECT_ID, firstId);
        counters.put(ID_LIMIT, limit);
        counters.put(APPLIED_LSN, 0L);
        nextObjectId = firstId;
        idLimit = limit;
        appliedLsn = 0;
    }

    // ------------------------------------------------------------------ apply

    /** The objects an applied record destroyed (rows as they were before). */
    record Applied(List<ObjRow> destroyed) {
        static final Applied NONE = new Applied(List.of());
    }

    /** The changes of one record, checked and collected before anything is written. */
    private final class Txn {
        final HashMap<Long, ObjRow> rows = new HashMap<>(8); // null value = destroyed
        final LinkedHashMap<Tuple, Tuple> entryChanges = new LinkedHashMap<>(4); // null value = removed
        final List<Tuple> cookieRemovals = new ArrayList<>(2);
        final List<Tuple[]> cookieAdditions = new ArrayList<>(2);
        List<ObjRow> destroyed;
        long nextId = nextObjectId;
        long limit = idLimit;

        ObjRow get(long id) {
            if (rows.containsKey(id)) return rows.get(id);
            return objects.get(id);
        }

        ObjRow must(long id, String what) {
            ObjRow r = get(id);
            if (r == null) throw new IllegalStateException(what + " " + id + " does not exist");
            return r;
        }

        ObjRow dir(long id) {
            ObjRow r = must(id, "directory");
            if (!r.isDir()) throw new IllegalStateException("object " + id + " is not a directory");
            return r;
        }

        void put(ObjRow r) { rows.put(r.id(), r); }

        void destroy(ObjRow r) {
            rows.put(r.id(), null);
            if (destroyed == null) destroyed = new ArrayList<>(1);
            destroyed.add(r);
        }

        Tuple entry(long dir, String name) {
            Tuple k = new Tuple(dir, 0, name);
            if (entryChanges.containsKey(k)) return entryChanges.get(k);
            return entries.get(k);
        }

        void addEntry(long dir, String name, long child, long cookie) {
            if (entry(dir, name) != null) throw new IllegalStateException("entry " + dir + "/" + name + " exists");
            entryChanges.put(new Tuple(dir, 0, name), new Tuple(child, cookie, null));
            cookieAdditions.add(new Tuple[] {new Tuple(dir, cookie, null), new Tuple(child, 0, name)});
        }

        void removeEntry(long dir, String name, long expectChild) {
            Tuple e = entry(dir, name);
            if (e == null || e.a() != expectChild) {
                throw new IllegalStateException("entry " + dir + "/" + name + " names " + (e == null ? 0 : e.a())
                        + ", not " + expectChild);
            }
            entryChanges.put(new Tuple(dir, 0, name), null);
            cookieRemovals.add(new Tuple(dir, e.b(), null));
        }

        boolean hasEntries(long dir) {
            for (Map.Entry<Tuple, Tuple> c : entryChanges.entrySet()) {
                if (c.getKey().a() == dir && c.getValue() != null) return true;
            }
            Iterator<Tuple> it = entries.keyIterator(new Tuple(dir, 0, null));
            while (it.hasNext()) {
                Tuple k = it.next();
                if (k.a() != dir) return false;
                if (!entryChanges.containsKey(k)) return true;
            }
            return false;
        }

        /** Drops one link of {@code child} held by directory {@code dir}. */
        void unlink(long dir, long child, long time) {
            ObjRow o = must(child, "object");
            if (o.isDir()) {
                if (hasEntries(child)) throw new IllegalStateException("directory " + child + " is not empty");
                destroy(o);
                ObjRow d = dir(dir);
                put(d.withNlink(d.nlink() - 1));
            } else if (o.nlink() <= 1) {
                destroy(o);
            } else {
                put(o.withNlink(o.nlink() - 1).withCtime(time));
            }
        }
    }

    /**
     * Applies one record with LSN {@code lsn}: checks it against the current state, then writes
     * its changes and {@code applied_lsn}. Caller holds the update lock.
     */
    Applied apply(long lsn, UpdateRecord record) {
        if (closed) throw new MetaException("the metadata store is closed", null);
        if (lsn <= appliedLsn) throw new IllegalStateException("LSN " + lsn + " is not after " + appliedLsn);
        Txn t = new Txn();
        applyTo(t, record);
        try {
            // new and changed objects first, so that readers never meet an entry without its object
            for (Map.Entry<Long, ObjRow> e : t.rows.entrySet()) {
                if (e.getValue() != null) objects.put(e.getKey(), e.getValue());
            }
            for (Tuple[] c : t.cookieAdditions) cookies.put(c[0], c[1]);
            for (Map.Entry<Tuple, Tuple> e : t.entryChanges.entrySet()) {
                if (e.getValue() != null) entries.put(e.getKey(), e.getValue());
            }
            for (Map.Entry<Tuple, Tuple> e : t.entryChanges.entrySet()) {
                if (e.getValue() == null) entries.remove(e.getKey());
            }
            for (Tuple c : t.cookieRemovals) {
                Tuple now = cookies.get(c);
                // a cookie re-used in this record (never happens: cookies only grow) would be kept
                if (now != null) cookies.remove(c);
            }
            for (Map.Entry<Long, ObjRow> e : t.rows.entrySet()) {
                if (e.getValue() == null) objects.remove(e.getKey());
            }
            if (t.nextId != nextObjectId) counters.put(NEXT_OBJECT_ID, t.nextId);
            if (t.limit != idLimit) counters.put(ID_LIMIT, t.limit);
            counters.put(APPLIED_LSN, lsn);
        } catch (MVStoreException e) {
            throw new MetaException("applying " + record.kind() + " record " + lsn + " failed: " + e.getMessage(), e);
        }
        nextObjectId = t.nextId;
        idLimit = t.limit;
        appliedLsn = lsn;
        return t.destroyed == null ? Applied.NONE : new Applied(t.destroyed);
    }

    private void applyTo(Txn t, UpdateRecord record) {
        if (record instanceof UpdateRecord.Create c) {
            ObjRow d = t.dir(c.dir());
            if (t.get(c.id()) != null) throw new IllegalStateException("object " + c.id() + " exists");
            boolean isDir = c.type() == FileType.DIRECTORY;
            t.put(new ObjRow(c.id(), c.generation(), c.type(), c.mode(), isDir ? 2 : 1, c.uid(), c.gid(), c.size(),
                    c.rdevMajor(), c.rdevMinor(), c.atimeNanos(), c.mtimeNanos(), c.timeNanos(), isDir ? c.dir() : 0,
                    isDir ? 3 : 0, c.target(), c.createVerifier()));
            t.addEntry(c.dir(), c.name(), c.id(), c.cookie());
            t.put(d.withNextCookie(Math.max(d.nextCookie(), c.cookie() + 1)).withNlink(d.nlink() + (isDir ? 1 : 0))
                    .modified(c.timeNanos()));
            t.nextId = Math.max(t.nextId, c.id() + 1);
        } else if (record instanceof UpdateRecord.Remove r) {
            t.dir(r.dir());
            t.removeEntry(r.dir(), r.name(), r.child());
            t.unlink(r.dir(), r.child(), r.timeNanos());
            t.put(t.dir(r.dir()).modified(r.timeNanos()));
        } else if (record instanceof UpdateRecord.Rename r) {
            t.dir(r.fromDir());
            t.dir(r.toDir());
            t.removeEntry(r.fromDir(), r.fromName(), r.id());
            if (r.replaced() != 0) {
                t.removeEntry(r.toDir(), r.toName(), r.replaced());
                t.unlink(r.toDir(), r.replaced(), r.timeNanos());
            }
            t.addEntry(r.toDir(), r.toName(), r.id(), r.cookie());
            ObjRow o = t.must(r.id(), "object");
            if (o.isDir() && r.fromDir() != r.toDir()) {
                o = o.withParent(r.toDir());
                ObjRow from = t.dir(r.fromDir());
                t.put(from.withNlink(from.nlink() - 1));
                ObjRow to = t.dir(r.toDir());
                t.put(to.withNlink(to.nlink() + 1));
            }
            t.put(o.withCtime(r.timeNanos()));
            t.put(t.dir(r.fromDir()).modified(r.timeNanos()));
            ObjRow to = t.dir(r.toDir());
            t.put(to.withNextCookie(Math.max(to.nextCookie(), r.cookie() + 1)).modified(r.timeNanos()));
        } else if (record instanceof UpdateRecord.Link l) {
            t.dir(l.dir());
            ObjRow o = t.must(l.id(), "object");
            if (o.isDir()) throw new IllegalStateException("link to directory " + l.id());
            t.addEntry(l.dir(), l.name(), l.id(), l.cookie());
            t.put(o.withNlink(o.nlink() + 1).withCtime(l.timeNanos()));
            ObjRow d = t.dir(l.dir());
            t.put(d.withNextCookie(Math.max(d.nextCookie(), l.cookie() + 1)).modified(l.timeNanos()));
        } else if (record instanceof UpdateRecord.SetAttr s) {
            ObjRow o = t.must(s.id(), "object");
            t.put(o.withAttrs(s.mode() != null ? s.mode() : o.mode(), s.uid() != null ? s.uid() : o.uid(),
                    s.gid() != null ? s.gid() : o.gid(), s.size() != null ? s.size() : o.size(),
                    s.atimeNanos() != null ? s.atimeNanos() : o.atime(),
                    s.mtimeNanos() != null ? s.mtimeNanos() : o.mtime(), s.ctimeNanos()));
        } else if (record instanceof UpdateRecord.SizeTimes s) {
            ObjRow o = t.must(s.id(), "object");
            if (!o.isFile()) throw new IllegalStateException("object " + s.id() + " is not a regular file");
            t.put(o.withSizeTimes(s.size(), s.mtimeNanos(), s.ctimeNanos()));
        } else if (record instanceof UpdateRecord.ReserveIds r) {
            t.limit = Math.max(t.limit, r.limit());
        } else {
            throw new IllegalArgumentException("unknown record " + record);
        }
    }

    // ------------------------------------------------------------------ reads (any thread)

    private void checkOpen() {
        if (closed) throw new MetaException("the metadata store is closed", null);
    }

    /** The row of an object, or null when there is none. */
    ObjRow object(long id) {
        checkOpen();
        try {
            return objects.get(id);
        } catch (MVStoreException e) {
            throw new MetaException("reading object " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** The object a directory entry names, or 0 when there is no such entry. */
    long child(long dir, String name) {
        checkOpen();
        try {
            Tuple v = entries.get(new Tuple(dir, 0, name));
            return v == null ? 0 : v.a();
        } catch (MVStoreException e) {
            throw new MetaException("looking up " + name + " in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** True when a directory has at least one entry. */
    boolean hasEntries(long dir) {
        checkOpen();
        try {
            Tuple k = entries.ceilingKey(new Tuple(dir, 0, null));
            return k != null && k.a() == dir;
        } catch (MVStoreException e) {
            throw new MetaException("reading directory " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** Up to {@code max} entries of {@code dir} with cookies above {@code after}, in cookie order. */
    List<Entry> list(long dir, long after, int max, boolean withRows) {
        checkOpen();
        try {
            List<Entry> out = new ArrayList<>(Math.min(max, 256));
            Cursor<Tuple, Tuple> c = cookies.cursor(new Tuple(dir, after + 1, null));
            while (out.size() < max && c.hasNext()) {
                Tuple k = c.next();
                if (k.a() != dir) break;
                Tuple v = c.getValue();
                ObjRow row = null;
                if (withRows) {
                    row = objects.get(v.a());
                    if (row == null) continue; // being removed right now
                }
                out.add(new Entry(v.s(), v.a(), k.b(), row));
            }
            return out;
        } catch (MVStoreException e) {
            throw new MetaException("listing directory " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** The number of objects and the bytes of regular files rounded up to {@code block}. */
    long[] totals(long block) {
        long count = 0, bytes = 0;
        for (Cursor<Long, ObjRow> c = objects.cursor(null); c.hasNext(); ) {
            c.next();
            ObjRow r = c.getValue();
            count++;
            if (r.isFile()) bytes += (r.size() + block - 1) / block * block;
        }
        return new long[] {count, bytes};
    }

    /** Receives rows during a scan. */
    interface RowSink {
        void accept(ObjRow row);
    }

    /** Receives entries during a scan. */
    interface EntrySink {
        void accept(long dir, String name, long child, long cookie);
    }

    /** Every object, in id order (for fsck). */
    void scanObjects(RowSink sink) {
        for (Cursor<Long, ObjRow> c = objects.cursor(null); c.hasNext(); ) {
            c.next();
            sink.accept(c.getValue());
        }
    }

    /** Every directory entry (for fsck), with a check that the cookie index agrees. */
    void scanEntries(EntrySink sink) {
        for (Cursor<Tuple, Tuple> c = entries.cursor(null); c.hasNext(); ) {
            Tuple k = c.next();
            Tuple v = c.getValue();
            sink.accept(k.a(), k.s(), v.a(), v.b());
        }
    }

    /** Entries of the cookie index that do not match an entry (for fsck). */
    List<String> cookieIndexMismatches() {
        List<String> out = new ArrayList<>();
        long n = 0;
        for (Cursor<Tuple, Tuple> c = cookies.cursor(null); c.hasNext(); ) {
            Tuple k = c.next();
            Tuple v = c.getValue();
            n++;
            Tuple e = entries.get(new Tuple(k.a(), 0, v.s()));
            if (e == null || e.a() != v.a() || e.b() != k.b()) {
                out.add("cookie " + k.b() + " of directory " + k.a() + " lists '" + v.s() + "' -> " + v.a()
                        + " but the entry is " + e);
            }
        }
        if (n != entries.sizeAsLong()) out.add(n + " cookie index entries for " + entries.sizeAsLong() + " entries");
        return out;
    }

    // ------------------------------------------------------------------ test hooks (damage on purpose)

    void putObjectForTest(ObjRow r) { objects.put(r.id(), r); }

    void removeObjectForTest(long id) { objects.remove(id); }

    void putEntryForTest(long dir, String name, long child, long cookie) {
        entries.put(new Tuple(dir, 0, name), new Tuple(child, cookie, null));
        cookies.put(new Tuple(dir, cookie, null), new Tuple(child, 0, name));
    }

    void removeEntryForTest(long dir, String name) {
        Tuple v = entries.remove(new Tuple(dir, 0, name));
        if (v != null) cookies.remove(new Tuple(dir, v.b(), null));
    }

    // ------------------------------------------------------------------ shutdown

    /** Stores everything and closes. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            store.close();
        } catch (MVStoreException e) {
            throw new MetaException("closing the metadata store failed: " + e.getMessage(), e);
        }
    }

    /** Closes without storing anything more, as a crash would (for tests of recovery). */
    void crash() {
        if (closed) return;
        closed = true;
        store.closeImmediately();
    }

    // ------------------------------------------------------------------ data types

    /** Serializes {@link Tuple}s. */
    static final class TupleType extends BasicDataType<Tuple> {
        static final TupleType INSTANCE = new TupleType();

        @Override public int getMemory(Tuple t) {
            return 48 + (t.s() == null ? 0 : 40 + 2 * t.s().length());
        }

        @Override public void write(WriteBuffer buff, Tuple t) {
            buff.putVarLong(t.a()).putVarLong(t.b());
            if (t.s() == null) {
                buff.putVarInt(0);
            } else {
                byte[] b = t.s().getBytes(StandardCharsets.UTF_8);
                buff.putVarInt(b.length + 1).put(b);
            }
        }

        @Override public Tuple read(ByteBuffer buff) {
            long a = DataUtils.readVarLong(buff), b = DataUtils.readVarLong(buff);
            int n = DataUtils.readVarInt(buff);
            String s = null;
            if (n > 0) {
                byte[] bytes = new byte[n - 1];
                buff.get(bytes);
                s = new String(bytes, StandardCharsets.UTF_8);
            }
            return new Tuple(a, b, s);
        }

        @Override public int compare(Tuple x, Tuple y) {
            int c = Long.compare(x.a(), y.a());
            if (c != 0) return c;
            c = Long.compare(x.b(), y.b());
            if (c != 0) return c;
            if (x.s() == null) return y.s() == null ? 0 : -1;
            if (y.s() == null) return 1;
            return x.s().compareTo(y.s());
        }

        @Override public Tuple[] createStorage(int size) {
            return new Tuple[size];
        }
    }

    /** Serializes {@link ObjRow}s. */
    static final class RowType extends BasicDataType<ObjRow> {
        static final RowType INSTANCE = new RowType();

        @Override public int getMemory(ObjRow r) {
            return 160 + (r.target() == null ? 0 : 40 + 2 * r.target().length());
        }

        @Override public void write(WriteBuffer b, ObjRow r) {
            b.putVarLong(r.id()).putVarInt(r.gen()).put((byte) r.type().code()).putVarInt(r.mode()).putVarInt(r.nlink())
                    .putInt(r.uid()).putInt(r.gid()).putVarLong(r.size()).putInt(r.rdevMajor()).putInt(r.rdevMinor())
                    .putLong(r.atime()).putLong(r.mtime()).putLong(r.ctime()).putVarLong(r.parent())
                    .putVarLong(r.nextCookie()).putLong(r.verifier());
            if (r.target() == null) {
                b.putVarInt(0);
            } else {
                byte[] t = r.target().getBytes(StandardCharsets.UTF_8);
                b.putVarInt(t.length + 1).put(t);
            }
        }

        @Override public ObjRow read(ByteBuffer b) {
            long id = DataUtils.readVarLong(b);
            int gen = DataUtils.readVarInt(b);
            FileType type = FileType.fromCode(b.get());
            if (type == null) throw new IllegalStateException("object " + id + " has a bad type");
            int mode = DataUtils.readVarInt(b), nlink = DataUtils.readVarInt(b);
            int uid = b.getInt(), gid = b.getInt();
            long size = DataUtils.readVarLong(b);
            int major = b.getInt(), minor = b.getInt();
            long atime = b.getLong(), mtime = b.getLong(), ctime = b.getLong();
            long parent = DataUtils.readVarLong(b), nextCookie = DataUtils.readVarLong(b), verifier = b.getLong();
            int n = DataUtils.readVarInt(b);
            String target = null;
            if (n > 0) {
                byte[] t = new byte[n - 1];
                b.get(t);
                target = new String(t, StandardCharsets.UTF_8);
            }
            return new ObjRow(id, gen, type, mode, nlink, uid, gid, size, major, minor, atime, mtime, ctime, parent,
                    nextCookie, target, verifier);
        }

        @Override public ObjRow[] createStorage(int size) {
            return new ObjRow[size];
        }
    }
}
