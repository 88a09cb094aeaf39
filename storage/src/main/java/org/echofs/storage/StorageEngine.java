package org.echofs.storage;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.echofs.core.fs.Access;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.Caller;
import org.echofs.core.fs.CreateHow;
import org.echofs.core.fs.Created;
import org.echofs.core.fs.DirEntry;
import org.echofs.core.fs.DirListing;
import org.echofs.core.fs.FileType;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.FsStat;
import org.echofs.core.fs.LinkResult;
import org.echofs.core.fs.ReadResult;
import org.echofs.core.fs.RenameResult;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;
import org.echofs.core.fs.TimeChange;
import org.echofs.core.fs.Volume;
import org.echofs.core.fs.VolumeInfo;
import org.echofs.core.fs.Wcc;
import org.echofs.core.fs.WriteResult;
import org.echofs.core.time.Clock;
import org.echofs.storage.log.LogRecovery;
import org.echofs.storage.log.LogWriter;
import org.echofs.storage.log.RecordCodec;
import org.echofs.storage.log.UpdateRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage engine: one volume on local disk, implementing {@link Volume}.
 *
 * <h2>How it keeps state</h2>
 * Metadata lives in an H2 MVStore ({@code DIR/meta}); every metadata change is an
 * {@link UpdateRecord} carrying its outcome, applied to the store and appended to the
 * write-ahead log ({@code DIR/log}) under one update lock, with a log sequence number (LSN). An
 * update's future completes when the log writer has synced its record (group commit:
 * concurrent updates share syncs). The metadata file is written only by checkpoints, which run
 * while no record is being applied, so it always holds the state after some LSN; start-up
 * replays the log records above it. File data lives only in per-object data files
 * ({@code DIR/data}); a size record is logged only after the data up to that size is synced,
 * bytes are cut from a data file (truncate, remove) only after the record that frees them is
 * durable, and start-up after a crash cuts data files back to the size in the metadata and
 * deletes data files of objects that no longer exist.
 *
 * <h2>Checkpoints</h2>
 * Periodically ({@link StorageConfig#checkpointInterval()}), when the metadata changes not yet in
 * its file exceed {@link StorageConfig#metaCheckpointBytes()}, when the log has more than two
 * segments, and at {@link #close()}: unstable writes are made durable, the metadata store writes
 * its changes (updates wait meanwhile; reads do not) and syncs them, and log segments wholly
 * below the checkpoint's LSN are deleted.
 *
 * <h2>Semantics worth knowing</h2>
 * <ul>
 *   <li>Reads do not update atime (as with a {@code noatime} mount); atime changes by SETATTR
 *       and at creation.</li>
 *   <li>Directory cookies: "." is 1, ".." is 2, every entry gets its directory's next cookie
 *       (from 3 up) when it is made, so cookies stay valid while the directory changes. The
 *       cookie verifier of a directory is a non-zero value derived from the volume and the
 *       directory's id and generation; it never changes, because cookies never become invalid.</li>
 *   <li>Space: used bytes = the sizes of regular files rounded up to 4 KiB, plus
 *       {@value #OBJECT_CHARGE} bytes for every object. A write, truncate or create beyond the
 *       capacity (or beyond {@link StorageConfig#maxObjects()}) fails with NOSPC before anything
 *       changes. A full disk under a data file write also gives NOSPC, and the metadata never
 *       claims bytes that did not reach the data file.</li>
 *   <li>SETATTR uid by root only; gid by root or by the owner to one of its groups; mode by the
 *       owner or root (a non-root caller outside the file's group loses setgid); a chown by a
 *       non-root caller clears setuid (and setgid when group-executable). Writes by non-owners
 *       do not clear setuid/setgid.</li>
 *   <li>Object ids are never reused, not even after a crash: ids are reserved in blocks by a
 *       logged record that is synced before the block is used, and a restart continues after
 *       the reserved block. The generation of a new object is the volume's start count.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Every {@link Volume} method may be called from any thread. Reads never take the update lock.
 * Writes to one file run their pwrites concurrently: a per-object lock is held only to reserve a
 * write's range and to publish its size and times afterwards, and a per-object gate (a
 * read-write lock) is held shared by writes and exclusively by truncates, removals and data
 * file cuts, which therefore never overlap an in-flight pwrite. Lock order: update lock, gate,
 * object lock. Futures complete on the engine's
 * completion threads, never on the log writer thread. The engine owns its threads (log writer,
 * preallocation, completion, data sync, checkpoint) and stops them in {@link #close()}.
 *
 * <h2>Failures</h2>
 * Refused updates fail with {@link FsException} and change nothing. A failed log write stops
 * all further updates with {@link FsError#IO}; a failed data file sync fails that write or
 * commit with {@link FsError#IO}.
 */
public final class StorageEngine implements Volume {

    private static final Logger LOG = LoggerFactory.getLogger(StorageEngine.class);

    /** Bytes charged for every object in the used-space count. */
    public static final long OBJECT_CHARGE = 512;
    /** Block size for rounding file sizes in the used-space count. */
    public static final long BLOCK = 4096;
    /** The root directory's object id. */
    public static final long ROOT_ID = 1;
    /** The longest name, in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 255;
    /** The stored form of the exclusive-create verifier 0 (see {@link #storedVerifier}). */
    static final long ZERO_VERIFIER = 0x7a65726f76657266L;
    /** The longest symbolic link target, in bytes of UTF-8. */
    public static final int MAX_TARGET_BYTES = 4096;

    static final long ID_BLOCK = 1 << 16;
    private static final int LOCK_STRIPES = 256;
    private static final int DIRTY_FLUSH_THRESHOLD = 8192;
    private static final int DIR_SIZE = 4096;

    private final StorageConfig config;
    private final Clock clock;
    private final VolumeDir vdir;
    private final MetaStore meta;
    private final DataStore data;
    private final LogWriter log;
    private final DirtyOverlay dirty = new DirtyOverlay();
    private final VolumeInfo info;
    private final long fsid;
    private final int generation;
    private final FileStore fileStore;

    private final ReentrantLock updateLock = new ReentrantLock();
    private final ReentrantLock[] objectLocks = new ReentrantLock[LOCK_STRIPES];
    private final ReentrantReadWriteLock[] gates = new ReentrantReadWriteLock[LOCK_STRIPES];
    /**
     * Serialises the pwrites to one file in user space. The file system takes the file's inode
     * lock for every buffered write anyway, so this costs no parallelism; threads waiting here
     * park instead of spinning on that lock in the kernel (with 16 writers of 1 MiB on 2 cores,
     * that spinning was 22% of the gateway's CPU samples).
     */
    private final ReentrantLock[] pwriteLocks = new ReentrantLock[LOCK_STRIPES];
    /** Writes in flight per regular file (entries changed under the object's lock). */
    private final ConcurrentHashMap<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private volatile long lastLsn; // written under updateLock
    private long nextId;           // guarded by updateLock
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong objectCount = new AtomicLong();

    private final ThreadPoolExecutor completions;
    private final ThreadPoolExecutor syncPool;
    private final ScheduledExecutorService scheduler;
    private final Map<Long, FileSync> fileSyncs = new HashMap<>(); // guarded by itself
    private final Object checkpointLock = new Object();
    private final AtomicBoolean checkpointRequested = new AtomicBoolean();
    /** Data file deletes and cuts waiting for their records to be durable; close waits for them. */
    private final Set<CompletableFuture<?>> pendingCleanups = ConcurrentHashMap.newKeySet();
    /** Set when a data file could not be deleted or cut; the volume is then not marked clean at close. */
    private volatile boolean cleanupFailed;
    private volatile boolean closed;
    private volatile Throwable metaFailure;

    // metrics
    private final MetricRegistry metrics;
    private final Map<String, Meter> updatesByKind = new ConcurrentHashMap<>();
    private final Counter nospc;
    private final Counter refused;
    private final Timer checkpoints;
    private final Timer checkpointPause;
    private final Timer tGetattr, tLookup, tReadlink, tRead, tReaddir, tWrite, tCommit, tSetattr, tCreate, tMkdir,
            tSymlink, tMknod, tRemove, tRmdir, tRename, tLink, tFsstat;

    // ------------------------------------------------------------------ opening

    /**
     * Opens the volume in {@code config.dir()}, creating a new one when the directory is empty or
     * absent. Recovers after a crash (log replay, data file reconciliation) before returning.
     *
     * @throws IOException when the directory is not a volume, is in use, has a newer format, or
     *                     cannot be recovered; the message says which
     */
    public static StorageEngine open(StorageConfig config, Clock clock, MetricRegistry metrics) throws IOException {
        VolumeDir vd = VolumeDir.open(config.dir(), true);
        MetaStore meta = null;
        try {
            boolean fresh = vd.fresh();
            meta = MetaStore.open(vd.meta, fresh, config.metaCacheMiB());
            if (fresh) {
                long now = clock.wallNanos();
                meta.format(new ObjRow(ROOT_ID, 1, FileType.DIRECTORY, config.rootMode(), 2, config.rootUid(),
                        config.rootGid(), DIR_SIZE, 0, 0, now, now, now, ROOT_ID, 3, null, 0), ROOT_ID + 1, ROOT_ID + 1);
                meta.setCounter(MetaStore.STARTS, 0);
                meta.setCounter(MetaStore.CLEAN, 1);
                meta.checkpoint();
                vd.commitFormat(now, config.capacityBytes(), config.maxObjects());
                LOG.info("created a new volume in {}", vd.root);
            } else {
                vd.updateCapacity(config.capacityBytes(), config.maxObjects());
            }
            return new StorageEngine(config, clock, metrics, vd, meta);
        } catch (IOException | RuntimeException e) {
            if (meta != null) {
                try {
                    meta.close();
                } catch (RuntimeException ignored) {
                    // reporting the first failure
                }
            }
            vd.close();
            if (e instanceof IOException io) throw io;
            throw new IOException("cannot open the volume in " + config.dir() + ": " + e.getMessage(), e);
        }
    }

    private StorageEngine(StorageConfig config, Clock clock, MetricRegistry metrics, VolumeDir vd, MetaStore meta)
            throws IOException {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.vdir = vd;
        this.meta = meta;
        this.fsid = vd.fsid();
        for (int i = 0; i < LOCK_STRIPES; i++) {
            objectLocks[i] = new ReentrantLock();
            gates[i] = new ReentrantReadWriteLock();
            pwriteLocks[i] = new ReentrantLock();
        }
        this.info = new VolumeInfo(fsid, config.capacityBytes(), config.maxFileSize(), MAX_NAME_BYTES, config.linkMax(), 1);
        this.fileStore = Files.getFileStore(vd.root);

        this.nospc = metrics.counter("storage.nospc");
        this.refused = metrics.counter("storage.refused");
        this.checkpoints = metrics.timer("storage.checkpoints");
        this.checkpointPause = metrics.timer("storage.checkpoint.pause");
        this.tGetattr = metrics.timer("storage.op.getattr");
        this.tLookup = metrics.timer("storage.op.lookup");
        this.tReadlink = metrics.timer("storage.op.readlink");
        this.tRead = metrics.timer("storage.op.read");
        this.tReaddir = metrics.timer("storage.op.readdir");
        this.tWrite = metrics.timer("storage.op.write");
        this.tCommit = metrics.timer("storage.op.commit");
        this.tSetattr = metrics.timer("storage.op.setattr");
        this.tCreate = metrics.timer("storage.op.create");
        this.tMkdir = metrics.timer("storage.op.mkdir");
        this.tSymlink = metrics.timer("storage.op.symlink");
        this.tMknod = metrics.timer("storage.op.mknod");
        this.tRemove = metrics.timer("storage.op.remove");
        this.tRmdir = metrics.timer("storage.op.rmdir");
        this.tRename = metrics.timer("storage.op.rename");
        this.tLink = metrics.timer("storage.op.link");
        this.tFsstat = metrics.timer("storage.op.fsstat");

        this.completions = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threads("echofs-storage-complete"));
        this.syncPool = new ThreadPoolExecutor(config.syncThreads(), config.syncThreads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads("echofs-storage-sync"));
        ScheduledThreadPoolExecutor sched = new ScheduledThreadPoolExecutor(1, threads("echofs-storage-checkpoint"));
        sched.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = sched;
        this.data = new DataStore(vd.data, config.openChannels(), config.directWriteMin(), config.readAheadBytes(),
                metrics);

        LogWriter logWriter = null;
        try {
            long applied = meta.appliedLsn();
            LogRecovery.Result recovered = LogRecovery.recover(vd.log, applied, e -> meta.apply(e.lsn(), e.record()));
            metrics.counter("storage.replayed-records").inc(recovered.replayed());
            boolean clean = meta.counter(MetaStore.CLEAN, 0) == 1 && recovered.replayed() == 0
                    && !recovered.truncatedTail();
            long starts = meta.counter(MetaStore.STARTS, 0) + 1;
            meta.setCounter(MetaStore.STARTS, starts);
            meta.setCounter(MetaStore.CLEAN, 0);
            meta.checkpoint();
            this.generation = (int) Math.min(Integer.MAX_VALUE, starts);
            this.lastLsn = Math.max(meta.appliedLsn(), recovered.lastLsn());
            this.nextId = Math.max(meta.idLimit(), meta.nextObjectId());
            if (recovered.replayed() > 0 || recovered.truncatedTail()) {
                LOG.info("recovered volume {}: replayed {} log records{}", vd.root, recovered.replayed(),
                        recovered.truncatedTail() ? ", cut a torn record at the log's end" : "");
            }
            if (!clean) reconcileDataFiles();
            long[] totals = meta.totals(BLOCK);
            objectCount.set(totals[0]);
            usedBytes.set(totals[1] + totals[0] * OBJECT_CHARGE);
            logWriter = new LogWriter(vd.log, recovered, lastLsn, config.segmentBytes(), completions, metrics, clock,
                    this::onLogRoll);
        } catch (IOException | RuntimeException e) {
            shutdownPools();
            data.close();
            throw e;
        }
        this.log = logWriter;
        replaceGauge("storage.used-bytes", usedBytes::get);
        replaceGauge("storage.objects", objectCount::get);
        replaceGauge("storage.dirty-objects", () -> (long) dirty.size());
        replaceGauge("storage.applied-lsn", () -> lastLsn);
        long every = config.checkpointInterval().toMillis();
        if (every > 0) scheduler.scheduleWithFixedDelay(this::checkpointQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    private void replaceGauge(String name, Gauge<Long> g) {
        metrics.remove(name);
        metrics.register(name, g);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Cuts data files longer than their object's size and deletes data files of dead objects. */
    private void reconcileDataFiles() throws IOException {
        Counter truncated = metrics.counter("storage.reconciled.truncated");
        Counter deleted = metrics.counter("storage.reconciled.deleted");
        data.scan((id, path, length) -> {
            if (id < 0) {
                LOG.warn("unexpected file in the data directory (left alone): {}", path);
                return;
            }
            ObjRow r = meta.object(id);
            if (r == null || !r.isFile()) {
                Files.deleteIfExists(path);
                deleted.inc();
            } else if (length > r.size()) {
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    ch.truncate(r.size());
                    ch.force(true);
                }
                truncated.inc();
            }
        });
        if (truncated.getCount() + deleted.getCount() > 0) {
            LOG.info("reconciled data files: cut {} back to their size, deleted {} of removed objects",
                    truncated.getCount(), deleted.getCount());
        }
    }

    // ------------------------------------------------------------------ Volume: facts

    @Override
    public VolumeInfo info() {
        return info;
    }

    @Override
    public long rootId() {
        return ROOT_ID;
    }

    @Override
    public FsStat fsstat() {
        Timer.Context t = tFsstat.time();
        try {
            long total = config.capacityBytes();
            long free = Math.max(0, total - usedBytes.get());
            try {
                free = Math.min(free, fileStore.getUsableSpace());
            } catch (IOException e) {
                LOG.warn("cannot read the free space of {}: {}", vdir.root, e.toString());
            }
            long files = config.maxObjects();
            long freeFiles = Math.max(0, files - objectCount.get());
            return new FsStat(total, free, free, files, freeFiles, freeFiles);
        } finally {
            t.stop();
        }
    }

    // ------------------------------------------------------------------ helpers

    private ReentrantLock objectLock(long id) {
        return objectLocks[stripe(id)];
    }

    /**
     * The object's gate: writes hold it shared around their pwrite; whatever cuts a file or
     * accounts for its size (truncate, removal, cutting a data file) holds it exclusively. Taken
     * before the object's lock (and after the update lock), never while holding the object's lock.
     */
    private ReentrantReadWriteLock gate(long id) {
        return gates[stripe(id)];
    }

    private static int stripe(long id) {
        return (int) (id ^ (id >>> 8) ^ (id >>> 16)) & (LOCK_STRIPES - 1);
    }

    private static long roundUp(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private Attributes attrs(ObjRow r) {
        DirtyOverlay.Values d = r.isFile() ? dirty.values(r.id()) : null;
        return attrs(r, d);
    }

    private Attributes attrs(ObjRow r, DirtyOverlay.Values d) {
        long size = d != null ? d.size() : r.size();
        long mtime = d != null ? d.mtime() : r.mtime();
        long ctime = d != null ? Math.max(d.ctime(), r.ctime()) : r.ctime();
        long used = r.isFile() ? roundUp(size) : (r.isDir() ? BLOCK : 0);
        return new Attributes(r.id(), r.gen(), r.type(), r.mode(), r.nlink(), r.uid(), r.gid(), size, used,
                r.rdevMajor(), r.rdevMinor(), fsid, r.atime(), mtime, ctime);
    }

    private ObjRow live(long id) throws FsException {
        ObjRow r = meta.object(id);
        if (r == null) throw new FsException(FsError.STALE, "object " + id + " does not exist");
        return r;
    }

    private ObjRow liveDir(long id) throws FsException {
        ObjRow r = live(id);
        if (!r.isDir()) throw new FsException(FsError.NOTDIR, "object " + id + " is not a directory");
        return r;
    }

    private static void checkName(String name) throws FsException {
        if (name == null || name.isEmpty()) throw new FsException(FsError.INVAL, "empty name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == 0) throw new FsException(FsError.INVAL, "name contains '/' or NUL");
        }
        if (name.length() > MAX_NAME_BYTES / 3 && RecordCodec.utf8Length(name) > MAX_NAME_BYTES) {
            throw new FsException(FsError.NAMETOOLONG, "name longer than " + MAX_NAME_BYTES + " bytes");
        }
    }

    /** Checks a name for a new entry: "." and ".." exist already. */
    private static void checkNewName(String name) throws FsException {
        if (".".equals(name) || "..".equals(name)) throw new FsException(FsError.EXIST, "'" + name + "' exists");
        checkName(name);
    }

    private static void need(Attributes a, Caller c, int want, String what) throws FsException {
        if (!Access.allows(a, c, want)) {
            throw new FsException(FsError.ACCES, "no permission to " + what + " object " + a.fileId());
        }
    }

    private static void sticky(ObjRow dir, ObjRow victim, Caller c) throws FsException {
        if ((dir.mode() & 01000) != 0 && !c.isRoot() && c.uid() != dir.uid() && c.uid() != victim.uid()) {
            throw new FsException(FsError.PERM, "sticky directory " + dir.id() + ": only the owner may remove "
                    + victim.id());
        }
    }

    private long dirVerifier(ObjRow d) {
        long v = (fsid * 0x9E3779B97F4A7C15L) ^ (d.id() * 0xC2B2AE3D27D4EB4FL) ^ ((long) d.gen() << 32);
        v ^= v >>> 29;
        return v == 0 ? 1 : v;
    }

    private void checkOpen() throws FsException {
        if (closed) throw new FsException(FsError.IO, "the volume is closed");
    }

    private FsException translate(Throwable e) {
        if (e instanceof FsException f) return f;
        if (e instanceof MetaException) return new FsException(FsError.IO, "metadata: " + e.getMessage(), e);
        if (e instanceof IOException) return new FsException(FsError.IO, e.getMessage(), e);
        LOG.error("internal error", e);
        return new FsException(FsError.SERVERFAULT, "internal error: " + e, e);
    }

    private <T> CompletableFuture<T> refuse(Throwable e) {
        FsException f = translate(e);
        refused.inc();
        if (f.error() == FsError.NOSPC) nospc.inc();
        return CompletableFuture.failedFuture(f);
    }

    /** Completes {@code value} once the log is durable up to {@code lsn}. */
    private <T> CompletableFuture<T> whenDurable(long lsn, T value) {
        return log.durable(lsn).thenApply(v -> value);
    }

    private void reserveBytes(long delta) throws FsException {
        if (delta <= 0) {
            usedBytes.addAndGet(delta);
            return;
        }
        while (true) {
            long cur = usedBytes.get();
            if (cur + delta > config.capacityBytes()) {
                throw new FsException(FsError.NOSPC, "the volume's capacity of " + config.capacityBytes()
                        + " bytes is used up");
            }
            if (usedBytes.compareAndSet(cur, cur + delta)) return;
        }
    }

    /** The size of a regular file, unstable writes included (call under its object lock for a stable answer). */
    private long effectiveSize(ObjRow r) {
        DirtyOverlay.Values d = dirty.values(r.id());
        return d != null ? d.size() : r.size();
    }

    /** Keeps the dirty overlay's times in step with a record that changed a regular file's times. */
    private void overlayTimes(long id, Long mtime, long ctime) {
        DirtyOverlay.Entry e = dirty.get(id);
        if (e == null) return;
        DirtyOverlay.Values v = e.values;
        e.values = new DirtyOverlay.Values(v.size(), mtime != null ? mtime : v.mtime(), Math.max(ctime, v.ctime()),
                v.version());
    }

    /**
     * Logs one record: checks log space, applies it to the metadata, appends it. Caller holds the update
     * lock. Returns the record's LSN.
     */
    private long commitRecord(UpdateRecord r) throws FsException {
        return commitRecordApplied(r).lsn;
    }

    private record Committed(long lsn, MetaStore.Applied applied) { }

    private Committed commitRecordApplied(UpdateRecord r) throws FsException {
        if (log.failure() != null) {
            throw new FsException(FsError.IO, "the update log failed: " + log.failure().getMessage());
        }
        byte[] payload = RecordCodec.encode(r);
        if (!log.hasRoomFor(payload.length)) {
            throw new FsException(FsError.NOSPC, "no preallocated log space is left (the disk is full?)");
        }
        if (metaFailure != null) {
            throw new FsException(FsError.IO, "the metadata store failed: " + metaFailure.getMessage());
        }
        long lsn = lastLsn + 1;
        MetaStore.Applied applied;
        try {
            applied = meta.apply(lsn, r);
        } catch (MetaException e) {
            // the record may be half written in memory and is not in the log: stop updating
            metaFailure = e;
            LOG.error("the metadata store failed; no further updates are accepted", e);
            throw e;
        }
        lastLsn = lsn;
        log.append(lsn, payload);
        updatesByKind.computeIfAbsent(r.kind(), k -> metrics.meter("storage.updates." + k)).mark();
        if (meta.unsavedBytes() > config.metaCheckpointBytes()) requestCheckpoint();
        return new Committed(lsn, applied);
    }

    /** A new object id; reserves a new block (synced before use) when the current one is used up. */
    private long allocateId() throws FsException {
        if (nextId >= meta.idLimit()) {
            log.awaitDurable(commitRecord(new UpdateRecord.ReserveIds(nextId + ID_BLOCK)));
        }
        return nextId++;
    }

    /**
     * Accounts for objects a record destroyed. Their data files are deleted once the record is
     * durable: deleting earlier could leave a file whose removal a crash undid without its data.
     */
    private void destroyed(long lsn, MetaStore.Applied applied, long sizeOfFile) {
        for (ObjRow gone : applied.destroyed()) {
            objectCount.decrementAndGet();
            long charge = OBJECT_CHARGE;
            if (gone.isFile()) {
                charge += roundUp(sizeOfFile >= 0 ? sizeOfFile : gone.size());
                dirty.remove(gone.id());
                long id = gone.id();
                track(log.durable(lsn).whenComplete((v, ex) -> {
                    if (ex != null) return; // the log failed: start-up reconciliation decides
                    try {
                        data.delete(id);
                    } catch (IOException e) {
                        cleanupFailed = true;
                        LOG.warn("deleting the data file of object {} failed (start-up will retry): {}", id,
                                e.toString());
                    }
                }));
            }
            usedBytes.addAndGet(-charge);
        }
    }

    /**
     * Cuts bytes beyond {@code logicalSize} off an open data file (they are garbage: left by a
     * truncate or a failed write). Waits first until every record so far is durable, because
     * until then a crash could bring back a size that still claims those bytes. Call under the
     * object's lock.
     */
    private void cutGarbage(DataStore.Handle h, long logicalSize) throws IOException, FsException {
        if (h.channel.size() <= logicalSize) return;
        log.awaitDurable(lastLsn);
        h.channel.truncate(logicalSize);
    }

    /** Remembers a cleanup until it is done, so that a clean close can wait for it. */
    private <T> CompletableFuture<T> track(CompletableFuture<T> cleanup) {
        if (!cleanup.isDone()) {
            pendingCleanups.add(cleanup);
            cleanup.whenComplete((v, ex) -> pendingCleanups.remove(cleanup));
        }
        return cleanup;
    }

    /** Runs a task on the data sync threads (inline when they are shut down). */
    private CompletableFuture<Void> onSyncPool(Runnable task) {
        try {
            return CompletableFuture.runAsync(task, syncPool);
        } catch (RejectedExecutionException e) {
            task.run();
            return CompletableFuture.completedFuture(null);
        }
    }

    private interface UpdateBody<T> {
        CompletableFuture<T> run() throws FsException;
    }

    /** Runs an update under the update lock, turning failures into refused futures. */
    private <T> CompletableFuture<T> update(Timer timer, UpdateBody<T> body) {
        Timer.Context t = timer.time();
        try {
            checkOpen();
            updateLock.lock();
            try {
                return body.run();
            } finally {
                updateLock.unlock();
            }
        } catch (FsException | RuntimeException e) {
            return refuse(e);
        } finally {
            t.stop();
        }
    }

    // ------------------------------------------------------------------ Volume: reads

    @Override
    public Attributes getattr(long id) throws FsException {
        Timer.Context t = tGetattr.time();
        try {
            checkOpen();
            return attrs(live(id));
        } catch (MetaException e) {
            throw translate(e);
        } finally {
            t.stop();
        }
    }

    @Override
    public Attributes lookup(Caller caller, long dir, String name) throws FsException {
        Timer.Context t = tLookup.time();
        try {
            checkOpen();
            ObjRow d = liveDir(dir);
            Attributes da = attrs(d);
            need(da, caller, Access.X, "search");
            if (".".equals(name)) return da;
            if ("..".equals(name)) return attrs(live(d.parent()));
            checkName(name);
            long child = meta.child(dir, name);
            ObjRow c = child == 0 ? null : meta.object(child);
            if (c == null) throw new FsException(FsError.NOENT, "no entry '" + name + "' in " + dir);
            return attrs(c);
        } catch (MetaException e) {
            throw translate(e);
        } finally {
            t.stop();
        }
    }

    @Override
    public String readlink(long id) throws FsException {
        Timer.Context t = tReadlink.time();
        try {
            checkOpen();
            ObjRow r = live(id);
            if (r.type() != FileType.SYMLINK) throw new FsException(FsError.INVAL, "object " + id + " is not a symbolic link");
            return r.target();
        } catch (MetaException e) {
            throw translate(e);
        } finally {
            t.stop();
        }
    }

    @Override
    public ReadResult read(Caller caller, long id, long offset, ByteBuffer dst) throws FsException {
        Timer.Context t = tRead.time();
        try {
            checkOpen();
            ObjRow r = live(id);
            if (r.isDir()) throw new FsException(FsError.ISDIR, "object " + id + " is a directory");
            if (!r.isFile()) throw new FsException(FsError.INVAL, "object " + id + " is not a regular file");
            Attributes a = attrs(r);
            if (caller.uid() != r.uid()) need(a, caller, Access.R, "read");
            if (offset < 0) throw new FsException(FsError.INVAL, "negative offset");
            long size = a.size();
            if (offset >= size || !dst.hasRemaining()) return new ReadResult(0, offset >= size, a);
            int n = (int) Math.min(dst.remaining(), size - offset);
            data.read(id, offset, dst, n, size);
            return new ReadResult(n, offset + n >= size, a);
        } catch (IOException | MetaException e) {
            throw translate(e);
        } finally {
            t.stop();
        }
    }

    @Override
    public DirListing readdir(Caller caller, long dir, long cookie, long verifier, int maxEntries,
                              boolean withAttributes) throws FsException {
        Timer.Context t = tReaddir.time();
        try {
            checkOpen();
            ObjRow d = liveDir(dir);
            Attributes da = attrs(d);
            need(da, caller, Access.R, "list");
            long ver = dirVerifier(d);
            if (cookie != 0 && verifier != 0 && verifier != ver) {
                throw new FsException(FsError.BAD_COOKIE, "cookie verifier does not match directory " + dir);
            }
            if (cookie > 2 && cookie >= d.nextCookie()) {
                throw new FsException(FsError.BAD_COOKIE, "cookie " + cookie + " was never given out by " + dir);
            }
            if (maxEntries <= 0) throw new FsException(FsError.TOOSMALL, "no room for a single entry");
            List<DirEntry> out = new ArrayList<>(Math.min(maxEntries, 512));
            if (cookie == 0) out.add(new DirEntry(".", dir, 1, withAttributes ? da : null));
            if (cookie <= 1 && out.size() < maxEntries) {
                ObjRow p = d.parent() == dir ? d : meta.object(d.parent());
                long pid = p == null ? dir : p.id();
                out.add(new DirEntry("..", pid, 2, withAttributes && p != null ? attrs(p) : null));
            }
            int room = maxEntries - out.size();
            List<MetaStore.Entry> rows = meta.list(dir, Math.max(cookie, 2), room + 1, withAttributes);
            boolean eof = rows.size() <= room;
            for (int i = 0; i < rows.size() && i < room; i++) {
                MetaStore.Entry e = rows.get(i);
                out.add(new DirEntry(e.name(), e.child(), e.cookie(), withAttributes ? attrs(e.row()) : null));
            }
            return new DirListing(ver, out, eof, da);
        } catch (MetaException e) {
            throw translate(e);
        } finally {
            t.stop();
        }
    }

    // ------------------------------------------------------------------ Volume: data

    @Override
    public CompletableFuture<WriteResult> write(Caller caller, long id, long offset, ByteBuffer src,
                                                Stability stability) {
        Timer.Context t = tWrite.time();
        try {
            checkOpen();
            int count = src.remaining();
            if (count == 0) return zeroLengthWrite(caller, id, offset, stability);
            Wcc wcc;
            // writes share the gate: truncates and removals take it exclusively, so they never cut or
            // account for a file while a pwrite into it is in flight
            ReentrantReadWriteLock.ReadLock shared = gate(id).readLock();
            shared.lock();
            try {
                wcc = writeShared(caller, id, offset, src, count);
            } finally {
                shared.unlock();
            }
            if (stability == Stability.UNSTABLE) {
                return CompletableFuture.completedFuture(new WriteResult(count, Stability.UNSTABLE, wcc));
            }
            WriteResult result = new WriteResult(count, Stability.FILE_SYNC, wcc);
            return requestSync(id).thenApply(x -> result);
        } catch (FsException | RuntimeException e) {
            return refuse(e);
        } finally {
            t.stop();
        }
    }

    /** Checks a write to a regular file; returns the attributes before it (call under the object's lock). */
    private Attributes checkWrite(Caller caller, ObjRow r, DirtyOverlay.Values v, long offset, int count)
            throws FsException {
        long id = r.id();
        if (r.isDir()) throw new FsException(FsError.ISDIR, "object " + id + " is a directory");
        if (!r.isFile()) throw new FsException(FsError.INVAL, "object " + id + " is not a regular file");
        Attributes before = attrs(r, v);
        if (caller.uid() != r.uid()) need(before, caller, Access.W, "write");
        if (offset < 0) throw new FsException(FsError.INVAL, "negative offset");
        if (offset > config.maxFileSize() - count) {
            throw new FsException(FsError.FBIG, "write beyond the largest file size " + config.maxFileSize());
        }
        return before;
    }

    /** Writing nothing changes nothing (not even mtime); a stable one still commits earlier writes. */
    private CompletableFuture<WriteResult> zeroLengthWrite(Caller caller, long id, long offset, Stability stability)
            throws FsException {
        ReentrantLock lock = objectLock(id);
        lock.lock();
        try {
            ObjRow r = live(id);
            DirtyOverlay.Entry e = dirty.get(id);
            Attributes before = checkWrite(caller, r, e == null ? null : e.values, offset, 0);
            Wcc same = new Wcc(before.wcc(), before);
            if (stability == Stability.UNSTABLE || (e == null && !inFlight.containsKey(id))) {
                CompletableFuture<Void> durable = stability == Stability.UNSTABLE
                        ? CompletableFuture.completedFuture(null) : log.durable(lastLsn);
                return durable.thenApply(x -> new WriteResult(0, stability == Stability.UNSTABLE
                        ? Stability.UNSTABLE : Stability.FILE_SYNC, same));
            }
            return requestSync(id).thenApply(x -> new WriteResult(0, Stability.FILE_SYNC, same));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The writes in flight to one file (between reserving their range and publishing their size):
     * the size they reserve together, and how many there are. Guarded by the object's lock.
     */
    private static final class InFlight {
        long reservedSize;
        int count;

        InFlight(long reservedSize) {
            this.reservedSize = reservedSize;
        }
    }

    /**
     * A write of {@code count > 0} bytes, called with the object's gate shared. Under the object's
     * lock it checks the write and reserves its range (used bytes, the file's reserved size, gap
     * zeroing); then it writes the data with no lock held; then, under the object's lock again,
     * it publishes the new size and times in the dirty overlay. A size is thus published only
     * once the bytes below it are written, so a sync pass that snapshots the overlay covers every
     * acknowledged write. When the last write in flight ends, the reserved size falls back to the
     * published one (a failed write gives its bytes back).
     */
    private Wcc writeShared(Caller caller, long id, long offset, ByteBuffer src, int count) throws FsException {
        ReentrantLock lock = objectLock(id);
        Attributes before;
        long newSize;
        InFlight fl;
        DataStore.Handle h = null;
        lock.lock();
        try {
            ObjRow r = live(id);
            before = checkWrite(caller, r, dirty.values(id), offset, count);
            fl = inFlight.get(id);
            long size0 = fl != null ? fl.reservedSize : before.size();
            newSize = Math.max(size0, offset + count);
            long delta = roundUp(newSize) - roundUp(size0);
            reserveBytes(delta);
            try {
                h = data.acquire(id, true);
                // the gap must read as zeros; writes in flight all lie below size0
                if (offset > size0) cutGarbage(h, size0);
            } catch (IOException ex) {
                usedBytes.addAndGet(-delta);
                data.release(h);
                throw dataWriteError(id, ex);
            } catch (FsException | RuntimeException ex) {
                usedBytes.addAndGet(-delta);
                data.release(h);
                throw ex;
            }
            if (fl == null) {
                fl = new InFlight(size0);
                inFlight.put(id, fl);
            }
            fl.reservedSize = newSize;
            fl.count++;
        } finally {
            lock.unlock();
        }
        Throwable failure = null;
        ReentrantLock pwriteLock = pwriteLocks[stripe(id)];
        pwriteLock.lock();
        try {
            data.write(h, offset, src);
        } catch (IOException | RuntimeException ex) {
            failure = ex;
        } finally {
            pwriteLock.unlock();
        }
        Wcc wcc = null;
        lock.lock();
        try {
            ObjRow r = meta.object(id); // cannot be gone: removal waits for the gate
            DirtyOverlay.Entry e = dirty.get(id);
            DirtyOverlay.Values v = e == null ? null : e.values;
            if (failure == null && r != null) {
                long now = clock.wallNanos();
                long size = v != null ? v.size() : r.size();
                long ctime = v != null ? Math.max(v.ctime(), r.ctime()) : r.ctime();
                DirtyOverlay.Values nv = new DirtyOverlay.Values(Math.max(size, newSize), now, Math.max(now, ctime),
                        v == null ? 1 : v.version() + 1);
                if (e == null) {
                    dirty.create(id, nv);
                    if (dirty.size() > DIRTY_FLUSH_THRESHOLD) requestFlush();
                } else {
                    e.values = nv;
                }
                v = nv;
                wcc = new Wcc(before.wcc(), attrs(r, nv));
            }
            if (--fl.count == 0) {
                inFlight.remove(id, fl);
                long published = v != null ? v.size() : r != null ? r.size() : 0;
                if (fl.reservedSize > published) {
                    usedBytes.addAndGet(roundUp(published) - roundUp(fl.reservedSize));
                    try {
                        cutGarbage(h, published);
                    } catch (IOException | FsException | RuntimeException ignored) {
                        // start-up reconciliation cuts it back
                    }
                }
            }
        } finally {
            lock.unlock();
            data.release(h);
        }
        if (failure instanceof IOException io) throw dataWriteError(id, io);
        if (failure instanceof RuntimeException re) throw re;
        if (wcc == null) throw new FsException(FsError.STALE, "object " + id + " does not exist");
        return wcc;
    }

    private static FsException dataWriteError(long id, IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota")) {
            return new FsException(FsError.NOSPC, "the disk is full writing object " + id, e);
        }
        return new FsException(FsError.IO, "writing object " + id + " failed: " + m, e);
    }

    @Override
    public CompletableFuture<Wcc> commit(long id) {
        Timer.Context t = tCommit.time();
        try {
            checkOpen();
            ObjRow r = live(id);
            Attributes before = attrs(r);
            if (!r.isFile() || dirty.get(id) == null) {
                return whenDurable(lastLsn, new Wcc(before.wcc(), before));
            }
            return requestSync(id).thenApply(x -> {
                ObjRow now = meta.object(id);
                return new Wcc(before.wcc(), now == null ? before : attrs(now));
            });
        } catch (FsException | RuntimeException e) {
            return refuse(e);
        } finally {
            t.stop();
        }
    }

    /** Coalesces syncs of one file: a request waits for the next pass that starts after it. */
    private static final class FileSync {
        final long id;
        boolean running;
        List<CompletableFuture<Void>> waiting = new ArrayList<>(2);

        FileSync(long id) {
            this.id = id;
        }
    }

    /**
     * Makes every write to {@code id} made before this call durable: syncs the data file, then
     * logs the size and times if they changed, then waits for the log.
     */
    private CompletableFuture<Void> requestSync(long id) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        FileSync s;
        boolean start;
        synchronized (fileSyncs) {
            s = fileSyncs.computeIfAbsent(id, FileSync::new);
            s.waiting.add(f);
            start = !s.running;
            if (start) s.running = true;
        }
        if (start) submitPass(s);
        return f;
    }

    private void submitPass(FileSync s) {
        try {
            syncPool.execute(() -> runPass(s));
        } catch (RejectedExecutionException e) {
            List<CompletableFuture<Void>> mine;
            synchronized (fileSyncs) {
                mine = s.waiting;
                s.waiting = new ArrayList<>(2);
                s.running = false;
                fileSyncs.remove(s.id);
            }
            FsException closedError = new FsException(FsError.IO, "the volume is closed");
            for (CompletableFuture<Void> f : mine) f.completeExceptionally(closedError);
        }
    }

    private void runPass(FileSync s) {
        List<CompletableFuture<Void>> mine;
        synchronized (fileSyncs) {
            mine = s.waiting;
            s.waiting = new ArrayList<>(2);
        }
        CompletableFuture<Void> done;
        try {
            done = log.durable(syncAndLog(s.id));
        } catch (FsException | RuntimeException e) {
            done = CompletableFuture.failedFuture(translate(e));
        }
        done.whenComplete((v, ex) -> {
            for (CompletableFuture<Void> f : mine) {
                if (ex == null) f.complete(null);
                else f.completeExceptionally(ex);
            }
        });
        boolean again;
        synchronized (fileSyncs) {
            again = !s.waiting.isEmpty();
            if (!again) {
                s.running = false;
                fileSyncs.remove(s.id);
            }
        }
        if (again) submitPass(s);
    }

    /**
     * Logs a file's size and times and syncs its data; returns the LSN to wait for.
     *
     * <p>The size record goes into the log first, so the log writer's group commit runs while
     * this thread syncs the data file: one COMMIT waits for one round of syncs, not two. The
     * size a record claims is only ever published after the bytes below it were written (see
     * {@link #write}), so the data sync that follows covers it. A crash between the two leaves
     * a logged size over bytes that may read as zeros; nothing was acknowledged as stable then,
     * and the write verifier changes on restart, so clients send those writes again. The dirty
     * entry is retired only after the data sync succeeded, so a failed sync leaves the file
     * dirty and the next COMMIT syncs it again.
     */
    private long syncAndLog(long id) throws FsException {
        ReentrantLock lock = objectLock(id);
        DirtyOverlay.Entry e;
        lock.lock();
        try {
            e = dirty.get(id);
        } finally {
            lock.unlock();
        }
        long lsn = lastLsn;
        DirtyOverlay.Values snap = null;
        if (e != null) {
            updateLock.lock();
            try {
                lock.lock();
                try {
                    if (dirty.get(id) == e && e.values.version() > e.loggedVersion) {
                        snap = e.values;
                        ObjRow r = meta.object(id);
                        if (r != null) {
                            long ctime = Math.max(snap.ctime(), r.ctime());
                            if (r.size() != snap.size() || r.mtime() != snap.mtime() || r.ctime() != ctime) {
                                commitRecord(new UpdateRecord.SizeTimes(id, snap.size(), snap.mtime(), ctime));
                            }
                        }
                    }
                    lsn = lastLsn;
                } finally {
                    lock.unlock();
                }
            } finally {
                updateLock.unlock();
            }
        }
        try {
            data.fsync(id);
        } catch (IOException ex) {
            throw new FsException(FsError.IO, "syncing the data of object " + id + " failed: " + ex.getMessage(), ex);
        }
        if (snap != null) {
            lock.lock();
            try {
                if (dirty.get(id) == e && snap.version() > e.loggedVersion) {
                    e.loggedVersion = snap.version();
                    if (e.values.version() == snap.version()) dirty.remove(id);
                }
            } finally {
                lock.unlock();
            }
        }
        return lsn;
    }

    private void requestFlush() {
        try {
            scheduler.execute(this::flushDirty);
        } catch (RejectedExecutionException ignored) {
            // closing; close flushes
        }
    }

    /** Makes every unstable write durable; returns when done (failures are logged). */
    private void flushDirty() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (long id : dirty.ids()) all.add(requestSync(id));
        for (CompletableFuture<Void> f : all) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                LOG.warn("flushing unstable writes failed: {}", e.getCause().toString());
            }
        }
    }

    // ------------------------------------------------------------------ Volume: attributes

    @Override
    public CompletableFuture<Wcc> setattr(Caller caller, long id, SetAttributes sa, Long guardCtimeNanos) {
        return update(tSetattr, () -> {
            ObjRow r = live(id);
            Attributes before = attrs(r);
            if (guardCtimeNanos != null && guardCtimeNanos != before.ctimeNanos()) {
                throw new FsException(FsError.NOT_SYNC, "ctime guard does not match object " + id);
            }
            if (sa.isEmpty()) return whenDurable(lastLsn, new Wcc(before.wcc(), before));
            return applySetattr(caller, r, before, sa, false).thenApply(after -> new Wcc(before.wcc(), after));
        });
    }

    /**
     * Checks and applies a SETATTR (or the size of an UNCHECKED create) under the update lock;
     * returns a future of the attributes after, complete when stable.
     */
    private CompletableFuture<Attributes> applySetattr(Caller caller, ObjRow r, Attributes before, SetAttributes sa,
                                                       boolean sizeOnly) throws FsException {
        boolean root = caller.isRoot();
        boolean owner = root || caller.uid() == r.uid();
        Integer mode = null, uid = null, gid = null;
        Long size = null, atime = null, mtime = null;
        long now = clock.wallNanos();
        if (!sizeOnly) {
            if (sa.uid() != null && sa.uid() != r.uid()) {
                if (!root) throw new FsException(FsError.PERM, "only root may change the owner of " + r.id());
                uid = sa.uid();
            }
            if (sa.gid() != null && sa.gid() != r.gid()) {
                if (!root && !(caller.uid() == r.uid() && caller.inGroup(sa.gid()))) {
                    throw new FsException(FsError.PERM, "not allowed to change the group of " + r.id());
                }
                gid = sa.gid();
            }
            if (sa.mode() != null) {
                if (!owner) throw new FsException(FsError.PERM, "only the owner may change the mode of " + r.id());
                int m = sa.mode() & 07777;
                int g = gid != null ? gid : r.gid();
                if (!root && r.isFile() && !caller.inGroup(g)) m &= ~02000;
                mode = m;
            } else if ((uid != null || gid != null) && !root && r.isFile() && (r.mode() & 06000) != 0) {
                int m = r.mode() & ~04000;
                if ((m & 010) != 0) m &= ~02000;
                mode = m;
            }
            atime = timeChange(sa.atime(), before, caller, owner, now);
            mtime = timeChange(sa.mtime(), before, caller, owner, now);
        }
        long oldSize = -1;
        if (sa.size() != null) {
            if (r.isDir()) throw new FsException(FsError.ISDIR, "cannot change the size of directory " + r.id());
            if (!r.isFile()) throw new FsException(FsError.INVAL, "cannot change the size of object " + r.id());
            if (caller.uid() != r.uid()) need(before, caller, Access.W, "truncate");
            long s = sa.size();
            if (s < 0) throw new FsException(FsError.INVAL, "negative size");
            if (s > config.maxFileSize()) throw new FsException(FsError.FBIG, "size beyond " + config.maxFileSize());
            size = s;
        }
        if (size == null && mode == null && uid == null && gid == null && atime == null && mtime == null) {
            // every requested value equals the current one: POSIX still updates ctime
            return whenDurable(commitRecord(new UpdateRecord.SetAttr(r.id(), null, null, null, null, null, null,
                    Math.max(now, r.ctime()))), attrs(live(r.id())));
        }
        Lock exclusive = r.isFile() && size != null ? gate(r.id()).writeLock() : null;
        if (exclusive != null) exclusive.lock();
        ReentrantLock lock = r.isFile() ? objectLock(r.id()) : null;
        if (lock != null) lock.lock();
        try {
            long delta = 0;
            if (size != null) {
                oldSize = effectiveSize(r);
                if (size != oldSize && mtime == null) mtime = now;
                delta = roundUp(size) - roundUp(oldSize);
                reserveBytes(delta);
            }
            long ctime = Math.max(now, before.ctimeNanos());
            Committed c;
            try {
                c = commitRecordApplied(new UpdateRecord.SetAttr(r.id(), mode, uid, gid, size, atime, mtime, ctime));
            } catch (FsException | RuntimeException e) {
                usedBytes.addAndGet(-delta);
                throw e;
            }
            CompletableFuture<Void> done = log.durable(c.lsn);
            if (size != null && dirty.get(r.id()) != null) {
                // unstable writes below the new size are still not synced: keep the file dirty (a fresh
                // entry, so that a sync pass that started before the new size logs nothing old)
                ObjRow nr = live(r.id());
                dirty.create(r.id(), new DirtyOverlay.Values(size, nr.mtime(), nr.ctime(), 1));
            }
            if (size != null) {
                if (size > oldSize) {
                    // growing over bytes a recent truncate left must show zeros
                    DataStore.Handle h = null;
                    try {
                        h = data.acquire(r.id(), false);
                        if (h != null) cutGarbage(h, oldSize);
                    } catch (IOException e) {
                        return CompletableFuture.failedFuture(new FsException(FsError.IO,
                                "cutting the data file of " + r.id() + " failed: " + e.getMessage(), e));
                    } finally {
                        data.release(h);
                    }
                } else if (size < oldSize) {
                    // cut the data file once the smaller size is durable, then sync the cut
                    long id = r.id();
                    done = track(done.thenCompose(x -> onSyncPool(() -> shrinkDataFile(id))));
                }
            } else if (r.isFile()) {
                overlayTimes(r.id(), mtime, ctime);
            }
            Attributes after = attrs(live(r.id()));
            return done.thenApply(x -> after);
        } finally {
            if (lock != null) lock.unlock();
            if (exclusive != null) exclusive.unlock();
        }
    }

    /** Cuts a data file to its object's current size and syncs it (after a durable truncate). */
    private void shrinkDataFile(long id) {
        ReentrantLock lock = objectLock(id);
        Lock exclusive = gate(id).writeLock();
        try {
            exclusive.lock();
            lock.lock();
            try {
                ObjRow r = meta.object(id);
                if (r == null) return;
                DataStore.Handle h = data.acquire(id, false);
                if (h == null) return;
                try {
                    cutGarbage(h, effectiveSize(r));
                } finally {
                    data.release(h);
                }
            } finally {
                lock.unlock();
                exclusive.unlock();
            }
            data.fsync(id);
        } catch (IOException | FsException e) {
            cleanupFailed = true;
            throw new java.util.concurrent.CompletionException(new FsException(FsError.IO,
                    "cutting the data file of " + id + " failed: " + e.getMessage(), e));
        }
    }

    private static Long timeChange(TimeChange change, Attributes a, Caller caller, boolean owner, long now)
            throws FsException {
        if (change == null) return null;
        if (change instanceof TimeChange.ClientTime ct) {
            if (!owner) throw new FsException(FsError.PERM, "only the owner may set times of " + a.fileId());
            return ct.nanos();
        }
        if (!owner && !Access.allows(a, caller, Access.W)) {
            throw new FsException(FsError.ACCES, "no permission to touch object " + a.fileId());
        }
        return now;
    }

    // ------------------------------------------------------------------ Volume: names

    @Override
    public CompletableFuture<Created> create(Caller caller, long dir, String name, CreateHow how, SetAttributes sa,
                                             long verifier) {
        return update(tCreate, () -> {
            ObjRow d = liveDir(dir);
            checkNewName(name);
            Attributes da = attrs(d);
            need(da, caller, Access.W | Access.X, "create in");
            long existing = meta.child(dir, name);
            if (existing != 0) {
                ObjRow o = live(existing);
                if (how == CreateHow.GUARDED) throw new FsException(FsError.EXIST, "'" + name + "' exists");
                if (how == CreateHow.EXCLUSIVE) {
                    if (o.isFile() && o.verifier() == storedVerifier(verifier)) {
                        return whenDurable(lastLsn, new Created(attrs(o), new Wcc(da.wcc(), da)));
                    }
                    throw new FsException(FsError.EXIST, "'" + name + "' exists");
                }
                if (!o.isFile()) throw new FsException(FsError.EXIST, "'" + name + "' exists and is not a file");
                Attributes oa = attrs(o);
                if (sa != null && sa.size() != null) {
                    return applySetattr(caller, o, oa, SetAttributes.NONE.withSize(sa.size()), true)
                            .thenApply(after -> new Created(after, new Wcc(da.wcc(), da)));
                }
                return whenDurable(lastLsn, new Created(oa, new Wcc(da.wcc(), da)));
            }
            SetAttributes attrs = how == CreateHow.EXCLUSIVE || sa == null ? SetAttributes.NONE : sa;
            return makeObject(caller, d, da, name, FileType.REGULAR, attrs, null, 0, 0,
                    how == CreateHow.EXCLUSIVE ? storedVerifier(verifier) : 0);
        });
    }

    /**
     * How an exclusive create's verifier is kept with its file: as it is, except that 0 (which
     * marks files made otherwise) is kept as {@link #ZERO_VERIFIER}, so that a retransmitted
     * exclusive create with verifier 0 succeeds like any other. A client verifier equal to
     * {@link #ZERO_VERIFIER} is indistinguishable from 0.
     */
    static long storedVerifier(long verifier) {
        return verifier == 0 ? ZERO_VERIFIER : verifier;
    }

    @Override
    public CompletableFuture<Created> mkdir(Caller caller, long dir, String name, SetAttributes sa) {
        return update(tMkdir, () -> {
            ObjRow d = liveDir(dir);
            checkNewName(name);
            Attributes da = attrs(d);
            need(da, caller, Access.W | Access.X, "create in");
            if (meta.child(dir, name) != 0) throw new FsException(FsError.EXIST, "'" + name + "' exists");
            if (d.nlink() + 1 > config.linkMax()) {
                throw new FsException(FsError.MLINK, "directory " + dir + " has " + d.nlink() + " links already");
            }
            return makeObject(caller, d, da, name, FileType.DIRECTORY, sa == null ? SetAttributes.NONE : sa, null, 0, 0, 0);
        });
    }

    @Override
    public CompletableFuture<Created> symlink(Caller caller, long dir, String name, String target, SetAttributes sa) {
        return update(tSymlink, () -> {
            ObjRow d = liveDir(dir);
            checkNewName(name);
            if (target == null || target.isEmpty()) throw new FsException(FsError.INVAL, "empty link target");
            if (target.indexOf('\0') >= 0) throw new FsException(FsError.INVAL, "link target contains NUL");
            if (RecordCodec.utf8Length(target) > MAX_TARGET_BYTES) {
                throw new FsException(FsError.NAMETOOLONG, "link target longer than " + MAX_TARGET_BYTES + " bytes");
            }
            Attributes da = attrs(d);
            need(da, caller, Access.W | Access.X, "create in");
            if (meta.child(dir, name) != 0) throw new FsException(FsError.EXIST, "'" + name + "' exists");
            return makeObject(caller, d, da, name, FileType.SYMLINK, sa == null ? SetAttributes.NONE : sa, target, 0, 0, 0);
        });
    }

    @Override
    public CompletableFuture<Created> mknod(Caller caller, long dir, String name, FileType type, SetAttributes sa,
                                            int rdevMajor, int rdevMinor) {
        return update(tMknod, () -> {
            ObjRow d = liveDir(dir);
            if (type != FileType.FIFO && type != FileType.SOCKET && type != FileType.CHAR && type != FileType.BLOCK) {
                throw new FsException(FsError.BADTYPE, "mknod cannot make a " + type);
            }
            checkNewName(name);
            Attributes da = attrs(d);
            need(da, caller, Access.W | Access.X, "create in");
            if (meta.child(dir, name) != 0) throw new FsException(FsError.EXIST, "'" + name + "' exists");
            boolean device = type == FileType.CHAR || type == FileType.BLOCK;
            if (device && !caller.isRoot()) throw new FsException(FsError.PERM, "only root may make device nodes");
            return makeObject(caller, d, da, name, type, sa == null ? SetAttributes.NONE : sa, null,
                    device ? rdevMajor : 0, device ? rdevMinor : 0, 0);
        });
    }

    /** Makes a new object; the caller has checked the directory, the name and permissions. */
    private CompletableFuture<Created> makeObject(Caller caller, ObjRow d, Attributes da, String name, FileType type,
                                                  SetAttributes sa, String target, int major, int minor, long verifier)
            throws FsException {
        boolean root = caller.isRoot();
        int uid = caller.uid();
        if (sa.uid() != null && sa.uid() != uid) {
            if (!root) throw new FsException(FsError.PERM, "only root may create objects for another owner");
            uid = sa.uid();
        }
        boolean inheritGroup = (d.mode() & 02000) != 0;
        int gid = inheritGroup ? d.gid() : caller.gid();
        if (sa.gid() != null && sa.gid() != gid) {
            if (!root && !caller.inGroup(sa.gid())) {
                throw new FsException(FsError.PERM, "not a member of group " + sa.gid());
            }
            gid = sa.gid();
        }
        int mode = switch (type) {
            case DIRECTORY -> sa.mode() != null ? sa.mode() & 07777 : 0755;
            case SYMLINK -> 0777;
            default -> sa.mode() != null ? sa.mode() & 07777 : 0644;
        };
        if (type == FileType.DIRECTORY && inheritGroup) mode |= 02000;
        if (!root && type != FileType.DIRECTORY && (mode & 02000) != 0 && !caller.inGroup(gid)) mode &= ~02000;
        long size = 0;
        if (type == FileType.REGULAR && sa.size() != null) {
            if (sa.size() < 0) throw new FsException(FsError.INVAL, "negative size");
            if (sa.size() > config.maxFileSize()) throw new FsException(FsError.FBIG, "size beyond " + config.maxFileSize());
            size = sa.size();
        } else if (type == FileType.DIRECTORY) {
            size = DIR_SIZE;
        } else if (type == FileType.SYMLINK) {
            size = RecordCodec.utf8Length(target);
        }
        if (objectCount.get() >= config.maxObjects()) {
            throw new FsException(FsError.NOSPC, "the volume holds its maximum of " + config.maxObjects() + " objects");
        }
        long charge = OBJECT_CHARGE + (type == FileType.REGULAR ? roundUp(size) : 0);
        reserveBytes(charge);
        long now = clock.wallNanos();
        Committed c;
        ObjRow created;
        try {
            long id = allocateId();
            Long atime = timeValue(sa.atime(), now), mtime = timeValue(sa.mtime(), now);
            c = commitRecordApplied(new UpdateRecord.Create(d.id(), name, d.nextCookie(), id, generation, type, mode,
                    uid, gid, size, major, minor, target, verifier, atime, mtime, now));
            created = live(id);
        } catch (FsException | RuntimeException e) {
            usedBytes.addAndGet(-charge);
            throw e;
        }
        objectCount.incrementAndGet();
        return whenDurable(c.lsn, new Created(attrs(created), new Wcc(da.wcc(), attrs(live(d.id())))));
    }

    private static long timeValue(TimeChange change, long now) {
        return change instanceof TimeChange.ClientTime ct ? ct.nanos() : now;
    }

    @Override
    public CompletableFuture<Wcc> remove(Caller caller, long dir, String name) {
        return update(tRemove, () -> {
            ObjRow d = liveDir(dir);
            if (".".equals(name) || "..".equals(name)) {
                throw new FsException(FsError.ISDIR, "'" + name + "' is a directory");
            }
            checkName(name);
            Attributes da = attrs(d);
            need(da, caller, Access.W | Access.X, "remove from");
            long child = meta.child(dir, name);
            ObjRow o = child == 0 ? null : meta.object(child);
            if (o == null) throw new FsException(FsError.NOENT, "no entry '" + name + "' in " + dir);
            if (o.isDir()) throw new FsException(FsError.ISDIR, "'" + name + "' is a directory");
            sticky(d, o, caller);
            return unlinkEntry(d, da, name, o);
        });
    }

    @Override
    public CompletableFuture<Wcc> rmdir(Caller caller, long dir, String name) {
        return update(tRmdir, () -> {
            ObjRow d = liveDir(dir);
            if (".".equals(name)) throw new FsException(FsError.INVAL, "cannot remove '.'");
            if ("..".equals(name)) throw new FsException(FsError.NOTEMPTY, "cannot remove '..'");
            checkName(name);
            Attributes da = attrs(d);
            need(da, caller, Access.W | Access.X, "remove from");
            long child = meta.child(dir, name);
            ObjRow o = child == 0 ? null : meta.object(child);
            if (o == null) throw new FsException(FsError.NOENT, "no entry '" + name + "' in " + dir);
            if (!o.isDir()) throw new FsException(FsError.NOTDIR, "'" + name + "' is not a directory");
            sticky(d, o, caller);
            if (meta.hasEntries(o.id())) throw new FsException(FsError.NOTEMPTY, "directory '" + name + "' is not empty");
            return unlinkEntry(d, da, name, o);
        });
    }

    private CompletableFuture<Wcc> unlinkEntry(ObjRow d, Attributes da, String name, ObjRow o) throws FsException {
        long now = Math.max(clock.wallNanos(), d.ctime());
        Lock exclusive = o.isFile() ? gate(o.id()).writeLock() : null;
        if (exclusive != null) exclusive.lock();
        ReentrantLock lock = o.isFile() ? objectLock(o.id()) : null;
        if (lock != null) lock.lock();
        try {
            long size = o.isFile() ? effectiveSize(o) : -1;
            Committed c = commitRecordApplied(new UpdateRecord.Remove(d.id(), name, o.id(), now));
            destroyed(c.lsn, c.applied, size);
            if (c.applied.destroyed().isEmpty() && o.isFile()) overlayTimes(o.id(), null, now);
            return whenDurable(c.lsn, new Wcc(da.wcc(), attrs(live(d.id()))));
        } finally {
            if (lock != null) lock.unlock();
            if (exclusive != null) exclusive.unlock();
        }
    }

    @Override
    public CompletableFuture<RenameResult> rename(Caller caller, long fromDir, String fromName, long toDir,
                                                  String toName) {
        return update(tRename, () -> {
            ObjRow fd = liveDir(fromDir);
            ObjRow td = liveDir(toDir);
            for (String n : new String[] {fromName, toName}) {
                if (".".equals(n) || "..".equals(n)) throw new FsException(FsError.INVAL, "cannot rename '" + n + "'");
                checkName(n);
            }
            Attributes fda = attrs(fd);
            Attributes tda = fromDir == toDir ? fda : attrs(td);
            need(fda, caller, Access.W | Access.X, "rename from");
            if (fromDir != toDir) need(tda, caller, Access.W | Access.X, "rename into");
            long src = meta.child(fromDir, fromName);
            ObjRow s = src == 0 ? null : meta.object(src);
            if (s == null) throw new FsException(FsError.NOENT, "no entry '" + fromName + "' in " + fromDir);
            sticky(fd, s, caller);
            long dst = meta.child(toDir, toName);
            if (dst == src) {
                return whenDurable(lastLsn, new RenameResult(new Wcc(fda.wcc(), fda), new Wcc(tda.wcc(), tda)));
            }
            if (s.isDir()) {
                if (fromDir != toDir) {
                    if (!caller.isRoot() && !Access.allows(attrs(s), caller, Access.W)) {
                        throw new FsException(FsError.ACCES, "no permission to move directory " + src);
                    }
                    for (long p = toDir; ; ) {
                        if (p == src) {
                            throw new FsException(FsError.INVAL, "cannot move directory " + src + " into itself");
                        }
                        if (p == ROOT_ID) break;
                        ObjRow pr = meta.object(p);
                        if (pr == null || pr.parent() == p) break;
                        p = pr.parent();
                    }
                }
            }
            ObjRow t = null;
            if (dst != 0) {
                t = live(dst);
                if (s.isDir() && !t.isDir()) throw new FsException(FsError.NOTDIR, "'" + toName + "' is not a directory");
                if (!s.isDir() && t.isDir()) throw new FsException(FsError.ISDIR, "'" + toName + "' is a directory");
                if (t.isDir() && meta.hasEntries(dst)) {
                    throw new FsException(FsError.NOTEMPTY, "directory '" + toName + "' is not empty");
                }
                sticky(td, t, caller);
            }
            if (s.isDir() && fromDir != toDir && (t == null || !t.isDir()) && td.nlink() + 1 > config.linkMax()) {
                throw new FsException(FsError.MLINK, "directory " + toDir + " has " + td.nlink() + " links already");
            }
            long now = Math.max(clock.wallNanos(), Math.max(fd.ctime(), td.ctime()));
            Lock exclusive = t != null && t.isFile() ? gate(t.id()).writeLock() : null;
            if (exclusive != null) exclusive.lock();
            ReentrantLock lock = t != null && t.isFile() ? objectLock(t.id()) : null;
            if (lock != null) lock.lock();
            try {
                long tsize = t != null && t.isFile() ? effectiveSize(t) : -1;
                Committed c = commitRecordApplied(new UpdateRecord.Rename(fromDir, fromName, toDir, toName, src, dst,
                        td.nextCookie(), now));
                destroyed(c.lsn, c.applied, tsize);
                if (t != null && t.isFile() && c.applied.destroyed().isEmpty()) overlayTimes(t.id(), null, now);
                if (s.isFile()) overlayTimes(s.id(), null, now);
                Attributes fAfter = attrs(live(fromDir));
                Attributes tAfter = fromDir == toDir ? fAfter : attrs(live(toDir));
                return whenDurable(c.lsn, new RenameResult(new Wcc(fda.wcc(), fAfter), new Wcc(tda.wcc(), tAfter)));
            } finally {
                if (lock != null) lock.unlock();
                if (exclusive != null) exclusive.unlock();
            }
        });
    }

    @Override
    public CompletableFuture<LinkResult> link(Caller caller, long file, long dir, String name) {
        return update(tLink, () -> {
            ObjRow o = live(file);
            ObjRow d = liveDir(dir);
            if (o.isDir()) throw new FsException(FsError.ISDIR, "cannot link directory " + file);
            checkNewName(name);
            Attributes da = attrs(d);
            need(da, caller, Access.W | Access.X, "link into");
            if (meta.child(dir, name) != 0) throw new FsException(FsError.EXIST, "'" + name + "' exists");
            if (o.nlink() >= config.linkMax()) {
                throw new FsException(FsError.MLINK, "object " + file + " has " + o.nlink() + " links already");
            }
            long now = Math.max(clock.wallNanos(), Math.max(o.ctime(), d.ctime()));
            ReentrantLock lock = o.isFile() ? objectLock(file) : null;
            if (lock != null) lock.lock();
            try {
                long lsn = commitRecord(new UpdateRecord.Link(file, dir, name, d.nextCookie(), now));
                if (o.isFile()) overlayTimes(file, null, now);
                return whenDurable(lsn, new LinkResult(attrs(live(file)), new Wcc(da.wcc(), attrs(live(dir)))));
            } finally {
                if (lock != null) lock.unlock();
            }
        });
    }

    // ------------------------------------------------------------------ checkpoints and shutdown

    private void onLogRoll() {
        if (log != null && log.segmentCount() > 2) requestCheckpoint();
    }

    /** Starts a checkpoint on the checkpoint thread unless one is already requested. */
    private void requestCheckpoint() {
        if (!checkpointRequested.compareAndSet(false, true)) return;
        try {
            scheduler.execute(() -> {
                checkpointRequested.set(false);
                checkpointQuietly(false);
            });
        } catch (RejectedExecutionException ignored) {
            checkpointRequested.set(false); // closing; close checkpoints
        }
    }

    private void checkpointQuietly() {
        checkpointQuietly(true);
    }

    private void checkpointQuietly(boolean full) {
        try {
            checkpoint(full);
        } catch (IOException | RuntimeException e) {
            LOG.warn("checkpoint failed (will retry): {}", e.toString());
        }
    }

    /**
     * Makes unstable writes durable, makes the metadata database durable, and deletes log
     * segments it no longer needs. Runs periodically and at {@link #close()}; may be called from
     * any thread.
     */
    public void checkpoint() throws IOException {
        checkpoint(true);
    }

    /**
     * A checkpoint. A {@code full} one (periodic, explicit, at close) first makes unstable writes
     * durable and also compacts the metadata file; the others (when metadata changes pile up)
     * only write the metadata.
     */
    private void checkpoint(boolean full) throws IOException {
        boolean compact = full;
        synchronized (checkpointLock) {
            if (log == null) return;
            Timer.Context t = checkpoints.time();
            try {
                if (full) flushDirty();
                long applied;
                updateLock.lock();
                Timer.Context paused = checkpointPause.time();
                try {
                    // no record is being applied now, so the metadata file gets a whole state; and it
                    // never gets ahead of the durable log
                    log.awaitDurable(lastLsn);
                    applied = meta.appliedLsn();
                    meta.checkpoint(compact);
                } catch (MetaException | FsException e) {
                    throw new IOException(e.getMessage(), e);
                } finally {
                    paused.stop();
                    updateLock.unlock();
                }
                try {
                    meta.sync();
                } catch (MetaException e) {
                    throw new IOException(e.getMessage(), e);
                }
                log.deleteSegmentsThrough(applied);
                log.retryPreallocation().join();
            } finally {
                t.stop();
            }
        }
    }

    /** Cleanly closes the volume: makes unstable writes durable, checkpoints, stops the threads. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        updateLock.lock();
        updateLock.unlock();
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flushDirty();
            log.durable(lastLsn).get(1, TimeUnit.MINUTES);
            for (CompletableFuture<?> c : new ArrayList<>(pendingCleanups)) {
                try {
                    c.get(1, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    cleanupFailed = true;
                    LOG.warn("a data file cleanup failed (start-up will redo it): {}", e.getCause().toString());
                }
            }
            checkpoint();
            if (log.failure() == null && !cleanupFailed) {
                updateLock.lock();
                try {
                    meta.setCounter(MetaStore.CLEAN, 1);
                    meta.checkpoint();
                } finally {
                    updateLock.unlock();
                }
            }
        } catch (Exception e) {
            LOG.error("closing volume {} cleanly failed; the next start will recover it", vdir.root, e);
        }
        log.close();
        shutdownPools();
        try {
            meta.close();
        } catch (MetaException e) {
            LOG.error("closing the metadata database failed", e);
        }
        data.close();
        vdir.close();
    }

    private void shutdownPools() {
        syncPool.shutdown();
        scheduler.shutdownNow();
        completions.shutdown();
        try {
            syncPool.awaitTermination(1, TimeUnit.MINUTES);
            completions.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops as a crash would, for tests of recovery: no checkpoint, no flush of unstable writes,
     * queued log records dropped, the metadata store closed without storing its latest changes.
     */
    void crashForTest() {
        if (closed) return;
        closed = true;
        scheduler.shutdownNow();
        log.abandon();
        syncPool.shutdownNow();
        List<CompletableFuture<Void>> stranded = new ArrayList<>();
        synchronized (fileSyncs) {
            for (FileSync s : fileSyncs.values()) stranded.addAll(s.waiting);
            fileSyncs.clear();
        }
        FsException crashed = new FsException(FsError.IO, "the volume crashed");
        for (CompletableFuture<Void> f : stranded) f.completeExceptionally(crashed);
        meta.crash();
        data.close();
        completions.shutdown();
        vdir.close();
    }

    /** The metadata store, for tests in this package. */
    MetaStore metaForTest() {
        return meta;
    }

    /** The path of an object's data file, for tests in this package. */
    java.nio.file.Path dataPathForTest(long id) {
        return data.path(id);
    }
}
