package org.echofs.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.echofs.core.fs.FileType;
import org.echofs.storage.log.UpdateRecord;

/**
 * The volume's metadata in H2 (MVStore): objects, directory entries and a few counters, plus
 * a bounded cache of rows and entries in front of it.
 *
 * <p>H2 is not durable per commit here; the update log is. {@link #apply} is the only way state
 * changes (the normal path and log replay both use it): it applies one record and stores its LSN
 * as {@code applied_lsn} in the same transaction, so H2 always holds the state after some prefix
 * of the log. {@link #checkpointSync} makes that state durable.
 *
 * <p>Threads: {@link #apply} and {@link #setCounter} must be called by
 * one thread at a time (the engine's update lock); the read methods from any thread, each read
 * using a pooled reader connection. The cache stays coherent: writers publish their changes
 * after commit and bump a modification count; a reader inserts what it read from H2 only when no
 * publication happened since it started reading. Failures surface as {@link MetaException}.
 */
final class MetaStore implements AutoCloseable {

    static final String APPLIED_LSN = "applied_lsn", NEXT_OBJECT_ID = "next_object_id", ID_LIMIT = "id_limit",
            STARTS = "starts", CLEAN = "clean";

    /** A directory entry, with the child's row when it was asked for. */
    record Entry(String name, long child, long cookie, ObjRow row) { }

    private record EntryKey(long dir, String name) { }

    private static final String OBJECT_COLUMNS = "id, gen, type, mode, nlink, uid, gid, size, rdev_major, rdev_minor, "
            + "atime, mtime, ctime, parent, next_cookie, target, create_verifier";

    private final String url;
    private final Connection w;
    private final Connection checkpointConnection; // guarded by itself
    private final PreparedStatement wMergeObject, wDeleteObject, wInsertEntry, wDeleteEntry, wSelectEntry,
            wAnyEntry, wSetCounter;

    private final ConcurrentLinkedDeque<Reader> idleReaders = new ConcurrentLinkedDeque<>();
    private final List<Reader> allReaders = new ArrayList<>();

    private final Object cacheLock = new Object();
    private long modCount;
    private final LinkedHashMap<Long, ObjRow> rows;
    private final LinkedHashMap<EntryKey, Long> dentries;

    private volatile long appliedLsn;
    private long nextObjectId;
    private long idLimit;
    private volatile boolean closed;

    private MetaStore(String url, int cacheEntries) throws SQLException {
        this.url = url;
        this.w = DriverManager.getConnection(url, "sa", "");
        this.checkpointConnection = DriverManager.getConnection(url, "sa", "");
        this.rows = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;
            @Override protected boolean removeEldestEntry(Map.Entry<Long, ObjRow> e) { return size() > cacheEntries; }
        };
        this.dentries = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;
            @Override protected boolean removeEldestEntry(Map.Entry<EntryKey, Long> e) { return size() > cacheEntries; }
        };
        try (Statement s = w.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS objects(id BIGINT PRIMARY KEY, gen INT NOT NULL, type TINYINT NOT NULL,"
                    + " mode INT NOT NULL, nlink INT NOT NULL, uid INT NOT NULL, gid INT NOT NULL, size BIGINT NOT NULL,"
                    + " rdev_major INT NOT NULL, rdev_minor INT NOT NULL, atime BIGINT NOT NULL, mtime BIGINT NOT NULL,"
                    + " ctime BIGINT NOT NULL, parent BIGINT NOT NULL, next_cookie BIGINT NOT NULL, target VARCHAR,"
                    + " create_verifier BIGINT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS entries(dir BIGINT NOT NULL, name VARCHAR NOT NULL,"
                    + " child BIGINT NOT NULL, cookie BIGINT NOT NULL, PRIMARY KEY(dir, name))");
            s.execute("CREATE UNIQUE INDEX IF NOT EXISTS entries_by_cookie ON entries(dir, cookie)");
            s.execute("CREATE TABLE IF NOT EXISTS counters(k VARCHAR PRIMARY KEY, v BIGINT NOT NULL)");
        }
        w.setAutoCommit(false);
        wMergeObject = w.prepareStatement("MERGE INTO objects(" + OBJECT_COLUMNS + ") KEY(id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        wDeleteObject = w.prepareStatement("DELETE FROM objects WHERE id=?");
        wInsertEntry = w.prepareStatement("INSERT INTO entries(dir, name, child, cookie) VALUES(?,?,?,?)");
        wDeleteEntry = w.prepareStatement("DELETE FROM entries WHERE dir=? AND name=?");
        wSelectEntry = w.prepareStatement("SELECT child FROM entries WHERE dir=? AND name=?");
        wAnyEntry = w.prepareStatement("SELECT 1 FROM entries WHERE dir=? LIMIT 1");
        wSetCounter = w.prepareStatement("MERGE INTO counters(k, v) KEY(k) VALUES(?,?)");
        appliedLsn = counterOr(APPLIED_LSN, 0);
        nextObjectId = counterOr(NEXT_OBJECT_ID, 0);
        idLimit = counterOr(ID_LIMIT, 0);
        w.commit();
    }

    /**
     * Opens (or, with {@code create}, creates) the database in {@code metaDir}. H2 commits are not
     * synced; the background writer stores changes within {@code writeDelayMillis}.
     */
    static MetaStore open(Path metaDir, boolean create, int cacheEntries, long writeDelayMillis) {
        String url = "jdbc:h2:file:" + metaDir.resolve("echofs").toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=" + writeDelayMillis + (create ? "" : ";IFEXISTS=TRUE");
        try {
            return new MetaStore(url, cacheEntries);
        } catch (SQLException e) {
            throw new MetaException("cannot open the metadata database in " + metaDir + ": " + e.getMessage(), e);
        }
    }

    private long counterOr(String key, long dflt) throws SQLException {
        try (PreparedStatement p = w.prepareStatement("SELECT v FROM counters WHERE k=?")) {
            p.setString(1, key);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : dflt;
            }
        }
    }

    // ------------------------------------------------------------------ counters

    long appliedLsn() { return appliedLsn; }

    /** The next object id a create may use (kept by the records applied). */
    long nextObjectId() { return nextObjectId; }

    /** Ids below this limit may have been handed out. */
    long idLimit() { return idLimit; }

    /** A counter's value, or {@code dflt} when unset. */
    long counter(String key, long dflt) {
        try {
            long v = counterOr(key, dflt);
            w.commit();
            return v;
        } catch (SQLException e) {
            throw new MetaException("reading counter " + key + " failed", e);
        }
    }

    /** Sets a counter outside the log (volume bookkeeping such as the start count), committed at once. */
    void setCounter(String key, long value) {
        try {
            wSetCounter.setString(1, key);
            wSetCounter.setLong(2, value);
            wSetCounter.executeUpdate();
            w.commit();
        } catch (SQLException e) {
            throw new MetaException("setting counter " + key + " failed", e);
        }
    }

    /**
     * Writes everything committed so far to disk and syncs it. Any thread; runs on its own
     * connection, so it never touches a transaction in progress.
     */
    void checkpointSync() {
        synchronized (checkpointConnection) {
            try (Statement s = checkpointConnection.createStatement()) {
                s.execute("CHECKPOINT SYNC");
            } catch (SQLException e) {
                throw new MetaException("checkpoint of the metadata database failed: " + e.getMessage(), e);
            }
        }
    }

    /** Creates the root directory and the counters of a new volume. */
    void format(ObjRow root, long firstId, long idLimit) {
        try {
            putRow(root);
            setCounterInTxn(NEXT_OBJECT_ID, firstId);
            setCounterInTxn(ID_LIMIT, idLimit);
            setCounterInTxn(APPLIED_LSN, 0);
            w.commit();
            this.nextObjectId = firstId;
            this.idLimit = idLimit;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new MetaException("formatting the metadata database failed", e);
        }
    }

    private void setCounterInTxn(String key, long value) throws SQLException {
        wSetCounter.setString(1, key);
        wSetCounter.setLong(2, value);
        wSetCounter.executeUpdate();
    }

    // ------------------------------------------------------------------ apply

    /** The objects an applied record destroyed (rows as they were before). */
    record Applied(List<ObjRow> destroyed) {
        static final Applied NONE = new Applied(List.of());
    }

    /** The changes of one record, kept until commit. */
    private final class Txn {
        final HashMap<Long, ObjRow> changed = new HashMap<>(8); // null value = deleted
        final List<EntryKey> entriesRemoved = new ArrayList<>(2);
        final List<EntryKey> entriesAdded = new ArrayList<>(2);
        final List<Long> entriesAddedChild = new ArrayList<>(2);
        List<ObjRow> destroyed;
        long nextId = nextObjectId;
        long limit = idLimit;

        ObjRow get(long id) {
            if (changed.containsKey(id)) return changed.get(id);
            return object(id);
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

        void put(ObjRow r) { changed.put(r.id(), r); }

        void destroy(ObjRow r) {
            changed.put(r.id(), null);
            if (destroyed == null) destroyed = new ArrayList<>(1);
            destroyed.add(r);
        }

        long child(long dir, String name) throws SQLException {
            wSelectEntry.setLong(1, dir);
            wSelectEntry.setString(2, name);
            try (ResultSet rs = wSelectEntry.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }

        void insertEntry(long dir, String name, long child, long cookie) throws SQLException {
            wInsertEntry.setLong(1, dir);
            wInsertEntry.setString(2, name);
            wInsertEntry.setLong(3, child);
            wInsertEntry.setLong(4, cookie);
            wInsertEntry.executeUpdate();
            entriesAdded.add(new EntryKey(dir, name));
            entriesAddedChild.add(child);
        }

        void deleteEntry(long dir, String name, long expectChild) throws SQLException {
            long c = child(dir, name);
            if (c != expectChild) {
                throw new IllegalStateException("entry " + dir + "/" + name + " names " + c + ", not " + expectChild);
            }
            wDeleteEntry.setLong(1, dir);
            wDeleteEntry.setString(2, name);
            wDeleteEntry.executeUpdate();
            entriesRemoved.add(new EntryKey(dir, name));
        }

        boolean hasEntries(long dir) throws SQLException {
            wAnyEntry.setLong(1, dir);
            try (ResultSet rs = wAnyEntry.executeQuery()) {
                return rs.next();
            }
        }

        /** Drops one link of {@code child} held by directory {@code dir}. */
        void unlink(long dir, long child, long time) throws SQLException {
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
     * Applies one record with LSN {@code lsn} in one transaction that also stores the LSN, then
     * publishes the changes to the cache. A record that does not fit the current state (which
     * means a damaged log or a bug) fails with IllegalStateException and changes nothing.
     */
    Applied apply(long lsn, UpdateRecord record) {
        if (lsn <= appliedLsn) throw new IllegalStateException("LSN " + lsn + " is not after " + appliedLsn);
        Txn t = new Txn();
        try {
            applyTo(t, record);
            for (Map.Entry<Long, ObjRow> e : t.changed.entrySet()) {
                if (e.getValue() == null) {
                    wDeleteObject.setLong(1, e.getKey());
                    wDeleteObject.executeUpdate();
                } else {
                    putRow(e.getValue());
                }
            }
            if (t.nextId != nextObjectId) setCounterInTxn(NEXT_OBJECT_ID, t.nextId);
            if (t.limit != idLimit) setCounterInTxn(ID_LIMIT, t.limit);
            setCounterInTxn(APPLIED_LSN, lsn);
            w.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new MetaException("applying " + record.kind() + " record " + lsn + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
        appliedLsn = lsn;
        nextObjectId = t.nextId;
        idLimit = t.limit;
        synchronized (cacheLock) {
            modCount++;
            for (Map.Entry<Long, ObjRow> e : t.changed.entrySet()) {
                if (e.getValue() == null) rows.remove(e.getKey());
                else rows.put(e.getKey(), e.getValue());
            }
            for (EntryKey k : t.entriesRemoved) dentries.put(k, 0L);
            for (int i = 0; i < t.entriesAdded.size(); i++) dentries.put(t.entriesAdded.get(i), t.entriesAddedChild.get(i));
        }
        return t.destroyed == null ? Applied.NONE : new Applied(t.destroyed);
    }

    private void applyTo(Txn t, UpdateRecord record) throws SQLException {
        if (record instanceof UpdateRecord.Create c) {
            ObjRow d = t.dir(c.dir());
            // a new id is above every existing one; an existing name fails the entries primary key
            if (c.id() < t.nextId && t.get(c.id()) != null) {
                throw new IllegalStateException("object " + c.id() + " exists");
            }
            boolean isDir = c.type() == FileType.DIRECTORY;
            t.put(new ObjRow(c.id(), c.generation(), c.type(), c.mode(), isDir ? 2 : 1, c.uid(), c.gid(), c.size(),
                    c.rdevMajor(), c.rdevMinor(), c.atimeNanos(), c.mtimeNanos(), c.timeNanos(), isDir ? c.dir() : 0,
                    isDir ? 3 : 0, c.target(), c.createVerifier()));
            t.insertEntry(c.dir(), c.name(), c.id(), c.cookie());
            t.put(d.withNextCookie(Math.max(d.nextCookie(), c.cookie() + 1)).withNlink(d.nlink() + (isDir ? 1 : 0))
                    .modified(c.timeNanos()));
            t.nextId = Math.max(t.nextId, c.id() + 1);
        } else if (record instanceof UpdateRecord.Remove r) {
            t.dir(r.dir());
            t.deleteEntry(r.dir(), r.name(), r.child());
            t.unlink(r.dir(), r.child(), r.timeNanos());
            t.put(t.dir(r.dir()).modified(r.timeNanos()));
        } else if (record instanceof UpdateRecord.Rename r) {
            t.dir(r.fromDir());
            t.dir(r.toDir());
            t.deleteEntry(r.fromDir(), r.fromName(), r.id());
            if (r.replaced() != 0) {
                t.deleteEntry(r.toDir(), r.toName(), r.replaced());
                t.unlink(r.toDir(), r.replaced(), r.timeNanos());
            }
            t.insertEntry(r.toDir(), r.toName(), r.id(), r.cookie());
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
            ObjRow d = t.dir(l.dir());
            ObjRow o = t.must(l.id(), "object");
            if (o.isDir()) throw new IllegalStateException("link to directory " + l.id());
            t.insertEntry(l.dir(), l.name(), l.id(), l.cookie());
            t.put(o.withNlink(o.nlink() + 1).withCtime(l.timeNanos()));
            d = t.dir(l.dir());
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

    private void putRow(ObjRow r) throws SQLException {
        PreparedStatement p = wMergeObject;
        p.setLong(1, r.id());
        p.setInt(2, r.gen());
        p.setInt(3, r.type().code());
        p.setInt(4, r.mode());
        p.setInt(5, r.nlink());
        p.setInt(6, r.uid());
        p.setInt(7, r.gid());
        p.setLong(8, r.size());
        p.setInt(9, r.rdevMajor());
        p.setInt(10, r.rdevMinor());
        p.setLong(11, r.atime());
        p.setLong(12, r.mtime());
        p.setLong(13, r.ctime());
        p.setLong(14, r.parent());
        p.setLong(15, r.nextCookie());
        p.setString(16, r.target());
        p.setLong(17, r.verifier());
        p.executeUpdate();
    }

    private void rollbackQuietly() {
        try {
            w.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the caller reports the original failure
        }
    }

    // ------------------------------------------------------------------ reads (any thread)

    private static ObjRow row(ResultSet rs, int at) throws SQLException {
        FileType type = FileType.fromCode(rs.getInt(at + 2));
        if (type == null) throw new SQLException("object " + rs.getLong(at) + " has a bad type " + rs.getInt(at + 2));
        return new ObjRow(rs.getLong(at), rs.getInt(at + 1), type, rs.getInt(at + 3), rs.getInt(at + 4),
                rs.getInt(at + 5), rs.getInt(at + 6), rs.getLong(at + 7), rs.getInt(at + 8), rs.getInt(at + 9),
                rs.getLong(at + 10), rs.getLong(at + 11), rs.getLong(at + 12), rs.getLong(at + 13),
                rs.getLong(at + 14), rs.getString(at + 15), rs.getLong(at + 16));
    }

    private final class Reader {
        final Connection c;
        final PreparedStatement object, entry, list, listPlus, any;

        Reader() throws SQLException {
            c = DriverManager.getConnection(url, "sa", "");
            c.setAutoCommit(true);
            object = c.prepareStatement("SELECT " + OBJECT_COLUMNS + " FROM objects WHERE id=?");
            entry = c.prepareStatement("SELECT child FROM entries WHERE dir=? AND name=?");
            list = c.prepareStatement("SELECT name, child, cookie FROM entries WHERE dir=? AND cookie>? ORDER BY cookie LIMIT ?");
            listPlus = c.prepareStatement("SELECT e.name, e.child, e.cookie, o.id, o.gen, o.type, o.mode, o.nlink, o.uid,"
                    + " o.gid, o.size, o.rdev_major, o.rdev_minor, o.atime, o.mtime, o.ctime, o.parent, o.next_cookie,"
                    + " o.target, o.create_verifier FROM entries e JOIN objects o ON o.id=e.child"
                    + " WHERE e.dir=? AND e.cookie>? ORDER BY e.cookie LIMIT ?");
            any = c.prepareStatement("SELECT 1 FROM entries WHERE dir=? LIMIT 1");
        }

        void close() {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing at shutdown
            }
        }
    }

    private Reader borrow() {
        if (closed) throw new MetaException("the metadata database is closed", null);
        Reader r = idleReaders.pollFirst();
        if (r != null) return r;
        try {
            r = new Reader();
        } catch (SQLException e) {
            throw new MetaException("cannot open a metadata reader: " + e.getMessage(), e);
        }
        synchronized (allReaders) {
            allReaders.add(r);
        }
        return r;
    }

    private void giveBack(Reader r) {
        idleReaders.offerFirst(r);
    }

    /** The committed row of an object, or null when there is none. */
    ObjRow object(long id) {
        long seen;
        synchronized (cacheLock) {
            ObjRow r = rows.get(id);
            if (r != null) return r;
            seen = modCount;
        }
        ObjRow r;
        Reader rd = borrow();
        try {
            rd.object.setLong(1, id);
            try (ResultSet rs = rd.object.executeQuery()) {
                r = rs.next() ? row(rs, 1) : null;
            }
        } catch (SQLException e) {
            throw new MetaException("reading object " + id + " failed: " + e.getMessage(), e);
        } finally {
            giveBack(rd);
        }
        if (r != null) {
            synchronized (cacheLock) {
                if (modCount == seen) rows.put(id, r);
            }
        }
        return r;
    }

    /** The object a directory entry names, or 0 when there is no such entry (both are cached). */
    long child(long dir, String name) {
        EntryKey key = new EntryKey(dir, name);
        long seen;
        synchronized (cacheLock) {
            Long c = dentries.get(key);
            if (c != null) return c;
            seen = modCount;
        }
        long c;
        Reader rd = borrow();
        try {
            rd.entry.setLong(1, dir);
            rd.entry.setString(2, name);
            try (ResultSet rs = rd.entry.executeQuery()) {
                c = rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new MetaException("looking up " + name + " in " + dir + " failed: " + e.getMessage(), e);
        } finally {
            giveBack(rd);
        }
        synchronized (cacheLock) {
            if (modCount == seen) dentries.put(key, c); // 0 caches "no such entry"
        }
        return c;
    }

    /** True when a directory has at least one entry. */
    boolean hasEntries(long dir) {
        Reader rd = borrow();
        try {
            rd.any.setLong(1, dir);
            try (ResultSet rs = rd.any.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new MetaException("reading directory " + dir + " failed: " + e.getMessage(), e);
        } finally {
            giveBack(rd);
        }
    }

    /** Up to {@code max} entries of {@code dir} with cookies above {@code after}, in cookie order. */
    List<Entry> list(long dir, long after, int max, boolean withRows) {
        Reader rd = borrow();
        try {
            PreparedStatement p = withRows ? rd.listPlus : rd.list;
            p.setLong(1, dir);
            p.setLong(2, after);
            p.setInt(3, max);
            List<Entry> out = new ArrayList<>(Math.min(max, 256));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getString(1), rs.getLong(2), rs.getLong(3), withRows ? row(rs, 4) : null));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new MetaException("listing directory " + dir + " failed: " + e.getMessage(), e);
        } finally {
            giveBack(rd);
        }
    }

    /** The number of objects and the bytes of regular files rounded up to {@code block}. */
    long[] totals(long block) {
        Reader rd = borrow();
        try (Statement s = rd.c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(CASE WHEN type=" + FileType.REGULAR.code()
                     + " THEN (size+" + (block - 1) + ")/" + block + "*" + block + " ELSE 0 END), 0) FROM objects")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        } catch (SQLException e) {
            throw new MetaException("counting objects failed: " + e.getMessage(), e);
        } finally {
            giveBack(rd);
        }
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
        Reader rd = borrow();
        try (Statement s = rd.c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + OBJECT_COLUMNS + " FROM objects ORDER BY id")) {
            while (rs.next()) sink.accept(row(rs, 1));
        } catch (SQLException e) {
            throw new MetaException("scanning objects failed: " + e.getMessage(), e);
        } finally {
            giveBack(rd);
        }
    }

    /** Every directory entry (for fsck). */
    void scanEntries(EntrySink sink) {
        Reader rd = borrow();
        try (Statement s = rd.c.createStatement();
             ResultSet rs = s.executeQuery("SELECT dir, name, child, cookie FROM entries ORDER BY dir, cookie")) {
            while (rs.next()) sink.accept(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
        } catch (SQLException e) {
            throw new MetaException("scanning entries failed: " + e.getMessage(), e);
        } finally {
            giveBack(rd);
        }
    }

    /** Runs raw SQL on the writer connection and commits; for tests that damage a volume on purpose. */
    void executeForTest(String sql) {
        try (Statement s = w.createStatement()) {
            s.execute(sql);
            w.commit();
        } catch (SQLException e) {
            throw new MetaException(sql + " failed: " + e.getMessage(), e);
        }
        synchronized (cacheLock) {
            modCount++;
            rows.clear();
            dentries.clear();
        }
    }

    // ------------------------------------------------------------------ shutdown

    /** Closes every connection; H2 stores its state on the last close. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        synchronized (allReaders) {
            for (Reader r : allReaders) r.close();
            allReaders.clear();
        }
        try {
            synchronized (checkpointConnection) {
                checkpointConnection.close();
            }
            w.close();
        } catch (SQLException e) {
            throw new MetaException("closing the metadata database failed: " + e.getMessage(), e);
        }
    }

    /** Stops H2 without storing anything more, as a crash would (for tests of recovery). */
    void crash() {
        if (closed) return;
        closed = true;
        try (Statement s = w.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException ignored) {
            // the database is gone either way
        }
        synchronized (allReaders) {
            for (Reader r : allReaders) r.close();
            allReaders.clear();
        }
        try {
            checkpointConnection.close();
            w.close();
        } catch (SQLException ignored) {
            // already shut down
        }
    }
}
