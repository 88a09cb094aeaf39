package org.echofs.gateway.nfs3;

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
import org.echofs.core.fs.WccAttr;
import org.echofs.core.fs.WriteResult;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory {@link Volume} for handler unit tests ONLY (the real engine lives in module
 * storage). It follows the Volume contract closely enough for the NFS handlers: permissions via
 * {@link Access}, readdir cookies and verifiers, exclusive create, POSIX rename. Tests can make
 * the next call of a named method fail ({@link #failNext}) and can hold update futures back
 * ({@link #deferUpdates}). One lock; every method is synchronized.
 */
public final class TestVolume implements Volume {

    public static final long FSID = 0x42;
    public static final VolumeInfo INFO = new VolumeInfo(FSID, 1L << 40, 1L << 42, 255, 32000, 1000);
    public static final FsStat STAT = new FsStat(1L << 40, 1L << 39, 1L << 38, 1_000_000, 900_000, 800_000);

    private static final class Node {
        final long id;
        final int generation;
        final FileType type;
        int mode, uid, gid, nlink = 1, rdevMajor, rdevMinor;
        long atime, mtime, ctime;
        byte[] data = new byte[0];
        long size;
        String target;
        long parent;
        Long createVerifier;
        long dirVerifier;
        long nextCookie = 3;
        final LinkedHashMap<String, long[]> children = new LinkedHashMap<>(); // name -> {id, cookie}

        Node(long id, int generation, FileType type) {
            this.id = id;
            this.generation = generation;
            this.type = type;
        }
    }

    private final Map<Long, Node> nodes = new HashMap<>();
    private final Map<String, FsError> failures = new HashMap<>();
    private final java.util.Set<String> crashes = new java.util.HashSet<>();
    private final Map<String, java.util.ArrayDeque<Error>> errors = new HashMap<>();
    private final List<Runnable> deferred = new ArrayList<>();
    private long nextId = 100;
    private long now = 1_700_000_000_123_456_789L;
    private boolean defer;
    private final long rootId;
    private int commits;

    public TestVolume() {
        Node root = newNode(FileType.DIRECTORY, 0755, 0, 0);
        root.parent = root.id;
        root.nlink = 2;
        rootId = root.id;
    }

    // ---- test controls

    /** The next call of {@code method} (e.g. "write", "getattr", "commit") fails with {@code error}. */
    public synchronized void failNext(String method, FsError error) {
        failures.put(method, error);
    }

    /** The next call of {@code method} throws an unchecked exception (a bug in storage). */
    public synchronized void crashNext(String method) {
        crashes.add(method);
    }

    /** A coming call of {@code method} throws {@code error} (an Error, as a class that fails to load); queued per method. */
    public synchronized void errorNext(String method, Error error) {
        errors.computeIfAbsent(method, m -> new java.util.ArrayDeque<>()).add(error);
    }

    /** While on, update futures stay pending until {@link #releaseDeferred()}. */
    public synchronized void deferUpdates(boolean on) {
        defer = on;
    }

    public void releaseDeferred() {
        List<Runnable> run;
        synchronized (this) {
            run = new ArrayList<>(deferred);
            deferred.clear();
        }
        run.forEach(Runnable::run);
    }

    public synchronized int commits() { return commits; }

    public synchronized void setDirVerifier(long dir, long verifier) {
        nodes.get(dir).dirVerifier = verifier;
    }

    /** Test set-up: makes a directory as root, returns its id. */
    public long mkdirs(String path) {
        long dir = rootId;
        for (String c : path.split("/")) {
            if (c.isEmpty()) continue;
            try {
                dir = lookup(ROOT, dir, c).fileId();
            } catch (FsException e) {
                dir = mkdir(ROOT, dir, c, SetAttributes.NONE.withMode(0755)).join().object().fileId();
            }
        }
        return dir;
    }

    /** Test set-up: a regular file with content, owned by uid/gid, returns its id. */
    public long file(long dir, String name, String content, int mode, int uid, int gid) {
        long id = create(ROOT, dir, name, CreateHow.GUARDED,
                new SetAttributes(mode, uid, gid, null, null, null), 0).join().object().fileId();
        write(ROOT, id, 0, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), Stability.FILE_SYNC).join();
        return id;
    }

    public static final Caller ROOT = new Caller(0, 0, new int[0]);

    // ---- internals

    private Node newNode(FileType type, int mode, int uid, int gid) {
        long id = nextId++;
        Node n = new Node(id, (int) (id * 31 + 7), type);
        n.mode = mode & 07777;
        n.uid = uid;
        n.gid = gid;
        n.atime = n.mtime = n.ctime = tick();
        n.dirVerifier = 0x5EED_0000L + id;
        nodes.put(id, n);
        return n;
    }

    private long tick() {
        now += 1000;
        return now;
    }

    private void maybeFail(String method) throws FsException {
        if (crashes.remove(method)) throw new IllegalStateException("injected crash in " + method);
        java.util.ArrayDeque<Error> queued = errors.get(method);
        Error error = queued == null ? null : queued.poll();
        if (error != null) throw error;
        FsError e = failures.remove(method);
        if (e != null) throw new FsException(e, "injected " + e + " in " + method);
    }

    private Node node(long id) throws FsException {
        Node n = nodes.get(id);
        if (n == null) throw new FsException(FsError.STALE, "no object " + id);
        return n;
    }

    private Node dir(long id) throws FsException {
        Node n = node(id);
        if (n.type != FileType.DIRECTORY) throw new FsException(FsError.NOTDIR, "not a directory " + id);
        return n;
    }

    private Attributes attrs(Node n) {
        long used = n.type == FileType.REGULAR ? (n.size + 4095) / 4096 * 4096 : 4096;
        long size = n.type == FileType.DIRECTORY ? 4096 : n.type == FileType.SYMLINK ? (n.target == null ? 0 : n.target.getBytes(StandardCharsets.UTF_8).length) : n.size;
        return new Attributes(n.id, n.generation, n.type, n.mode, n.nlink, n.uid, n.gid, size, used,
                n.rdevMajor, n.rdevMinor, FSID, n.atime, n.mtime, n.ctime);
    }

    private static void need(Attributes a, Caller c, int want) throws FsException {
        if (!Access.allows(a, c, want)) throw new FsException(FsError.ACCES, "permission denied");
    }

    private static void checkName(String name) throws FsException {
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new FsException(FsError.INVAL, "bad name");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > INFO.maxNameLength()) {
            throw new FsException(FsError.NAMETOOLONG, "name too long");
        }
    }

    private void checkNewName(Node d, String name) throws FsException {
        checkName(name);
        if (name.equals(".") || name.equals("..") || d.children.containsKey(name)) {
            throw new FsException(FsError.EXIST, "exists: " + name);
        }
    }

    private <T> CompletableFuture<T> update(String method, Update<T> u) {
        CompletableFuture<T> f = new CompletableFuture<>();
        synchronized (this) {
            try {
                maybeFail(method);
                T result = u.apply();
                if (defer) {
                    deferred.add(() -> f.complete(result));
                } else {
                    f.complete(result);
                }
            } catch (FsException e) {
                if (defer) {
                    deferred.add(() -> f.completeExceptionally(e));
                } else {
                    f.completeExceptionally(e);
                }
            }
        }
        return f;
    }

    @FunctionalInterface
    private interface Update<T> {
        T apply() throws FsException;
    }

    private void link(Node d, String name, Node child) {
        d.children.put(name, new long[] {child.id, d.nextCookie++});
        if (child.type == FileType.DIRECTORY) {
            child.parent = d.id;
            d.nlink++;
        }
        d.mtime = d.ctime = tick();
    }

    private void apply(Node n, SetAttributes s) throws FsException {
        if (s.mode() != null) n.mode = s.mode() & 07777;
        if (s.uid() != null) n.uid = s.uid();
        if (s.gid() != null) n.gid = s.gid();
        if (s.size() != null) {
            if (n.type == FileType.DIRECTORY) throw new FsException(FsError.ISDIR, "size of a directory");
            if (n.type != FileType.REGULAR) throw new FsException(FsError.INVAL, "size of a special file");
            resize(n, s.size());
            n.mtime = tick();
        }
        if (s.atime() != null) n.atime = time(s.atime());
        if (s.mtime() != null) n.mtime = time(s.mtime());
        n.ctime = tick();
    }

    private long time(TimeChange t) {
        return t instanceof TimeChange.ClientTime c ? c.nanos() : tick();
    }

    private void resize(Node n, long size) throws FsException {
        if (size > INFO.maxFileSize()) throw new FsException(FsError.FBIG, "too big");
        if (size > Integer.MAX_VALUE - 8) throw new FsException(FsError.NOSPC, "test volume is small");
        if (size > n.data.length) n.data = Arrays.copyOf(n.data, (int) Math.max(size, n.data.length * 2L));
        if (size < n.size) Arrays.fill(n.data, (int) size, (int) n.size, (byte) 0);
        n.size = size;
    }

    private Created make(Caller c, long dirId, String name, FileType type, SetAttributes s) throws FsException {
        Node d = dir(dirId);
        need(attrs(d), c, Access.W | Access.X);
        checkNewName(d, name);
        int mode = s.mode() != null ? s.mode() : type == FileType.DIRECTORY ? 0755 : 0644;
        WccAttr before = attrs(d).wcc();
        Node n = newNode(type, mode, c.uid(), c.gid());
        if (type == FileType.DIRECTORY) {
            n.nlink = 2;
        }
        apply(n, s.withMode(null));
        link(d, name, n);
        return new Created(attrs(n), new Wcc(before, attrs(d)));
    }

    // ---- Volume

    @Override public VolumeInfo info() { return INFO; }

    @Override public long rootId() { return rootId; }

    @Override public synchronized FsStat fsstat() { return STAT; }

    @Override
    public synchronized Attributes getattr(long id) throws FsException {
        maybeFail("getattr");
        return attrs(node(id));
    }

    @Override
    public synchronized Attributes lookup(Caller caller, long dirId, String name) throws FsException {
        maybeFail("lookup");
        Node d = dir(dirId);
        need(attrs(d), caller, Access.X);
        checkName(name);
        if (name.equals(".")) return attrs(d);
        if (name.equals("..")) return attrs(node(d.parent));
        long[] e = d.children.get(name);
        if (e == null) throw new FsException(FsError.NOENT, "no " + name);
        return attrs(node(e[0]));
    }

    @Override
    public synchronized String readlink(long id) throws FsException {
        maybeFail("readlink");
        Node n = node(id);
        if (n.type != FileType.SYMLINK) throw new FsException(FsError.INVAL, "not a symlink");
        return n.target;
    }

    @Override
    public synchronized ReadResult read(Caller caller, long id, long offset, ByteBuffer dst) throws FsException {
        maybeFail("read");
        Node n = node(id);
        if (n.type == FileType.DIRECTORY) throw new FsException(FsError.ISDIR, "directory");
        if (n.type != FileType.REGULAR) throw new FsException(FsError.INVAL, "not a file");
        if (caller.uid() != n.uid) need(attrs(n), caller, Access.R);
        int count = 0;
        if (offset < n.size) {
            count = (int) Math.min(dst.remaining(), n.size - offset);
            dst.put(n.data, (int) offset, count);
        }
        n.atime = tick();
        return new ReadResult(count, offset + count >= n.size, attrs(n));
    }

    @Override
    public synchronized DirListing readdir(Caller caller, long dirId, long cookie, long verifier, int maxEntries,
                                           boolean withAttributes) throws FsException {
        maybeFail("readdir");
        Node d = dir(dirId);
        need(attrs(d), caller, Access.R);
        if (cookie != 0 && verifier != 0 && verifier != d.dirVerifier) {
            throw new FsException(FsError.BAD_COOKIE, "stale cookie verifier");
        }
        List<DirEntry> all = new ArrayList<>();
        all.add(new DirEntry(".", d.id, 1, withAttributes ? attrs(d) : null));
        Node parent = node(d.parent);
        all.add(new DirEntry("..", parent.id, 2, withAttributes ? attrs(parent) : null));
        for (Map.Entry<String, long[]> e : d.children.entrySet()) {
            Node child = node(e.getValue()[0]);
            all.add(new DirEntry(e.getKey(), child.id, e.getValue()[1], withAttributes ? attrs(child) : null));
        }
        List<DirEntry> out = new ArrayList<>();
        boolean eof = true;
        for (DirEntry e : all) {
            if (e.cookie() <= cookie) continue;
            if (out.size() == maxEntries) {
                eof = false;
                break;
            }
            out.add(e);
        }
        return new DirListing(d.dirVerifier, out, eof, attrs(d));
    }

    @Override
    public CompletableFuture<WriteResult> write(Caller caller, long id, long offset, ByteBuffer data,
                                                Stability stability) {
        return update("write", () -> {
            Node n = node(id);
            if (n.type == FileType.DIRECTORY) throw new FsException(FsError.ISDIR, "directory");
            if (n.type != FileType.REGULAR) throw new FsException(FsError.INVAL, "not a file");
            if (caller.uid() != n.uid) need(attrs(n), caller, Access.W);
            WccAttr before = attrs(n).wcc();
            int count = data.remaining();
            if (offset < 0 || offset + count > INFO.maxFileSize()) throw new FsException(FsError.FBIG, "too big");
            if (offset + count > n.size) resize(n, offset + count);
            data.get(n.data, (int) offset, count);
            n.mtime = n.ctime = tick();
            return new WriteResult(count, stability, new Wcc(before, attrs(n)));
        });
    }

    @Override
    public CompletableFuture<Wcc> commit(long id) {
        return update("commit", () -> {
            Node n = node(id);
            commits++;
            return new Wcc(attrs(n).wcc(), attrs(n));
        });
    }

    @Override
    public CompletableFuture<Wcc> setattr(Caller caller, long id, SetAttributes attributes, Long guardCtimeNanos) {
        return update("setattr", () -> {
            Node n = node(id);
            Attributes a = attrs(n);
            if (guardCtimeNanos != null && guardCtimeNanos != n.ctime) {
                throw new FsException(FsError.NOT_SYNC, "ctime guard");
            }
            boolean owner = caller.isRoot() || caller.uid() == n.uid;
            if ((attributes.mode() != null || attributes.atime() instanceof TimeChange.ClientTime
                    || attributes.mtime() instanceof TimeChange.ClientTime) && !owner) {
                throw new FsException(FsError.PERM, "not the owner");
            }
            if ((attributes.uid() != null && attributes.uid() != n.uid) && !caller.isRoot()) {
                throw new FsException(FsError.PERM, "chown is restricted");
            }
            if (attributes.size() != null && !owner) need(a, caller, Access.W);
            apply(n, attributes);
            return new Wcc(a.wcc(), attrs(n));
        });
    }

    @Override
    public CompletableFuture<Created> create(Caller caller, long dirId, String name, CreateHow how,
                                             SetAttributes attributes, long verifier) {
        return update("create", () -> {
            Node d = dir(dirId);
            long[] existing = d.children.get(name);
            if (existing != null) {
                Node n = node(existing[0]);
                WccAttr before = attrs(d).wcc();
                switch (how) {
                    case GUARDED -> throw new FsException(FsError.EXIST, "exists");
                    case EXCLUSIVE -> {
                        if (n.createVerifier == null || n.createVerifier != verifier) {
                            throw new FsException(FsError.EXIST, "exists");
                        }
                    }
                    case UNCHECKED -> {
                        if (n.type != FileType.REGULAR) throw new FsException(FsError.EXIST, "exists");
                        if (attributes.size() != null) apply(n, SetAttributes.NONE.withSize(attributes.size()));
                    }
                    default -> throw new IllegalStateException();
                }
                return new Created(attrs(n), new Wcc(before, attrs(d)));
            }
            Created c = make(caller, dirId, name, FileType.REGULAR, attributes);
            if (how == CreateHow.EXCLUSIVE) node(c.object().fileId()).createVerifier = verifier;
            return c;
        });
    }

    @Override
    public CompletableFuture<Created> mkdir(Caller caller, long dirId, String name, SetAttributes attributes) {
        return update("mkdir", () -> make(caller, dirId, name, FileType.DIRECTORY, attributes));
    }

    @Override
    public CompletableFuture<Created> symlink(Caller caller, long dirId, String name, String target,
                                              SetAttributes attributes) {
        return update("symlink", () -> {
            Created c = make(caller, dirId, name, FileType.SYMLINK, attributes.mode() == null
                    ? attributes.withMode(0777) : attributes);
            node(c.object().fileId()).target = target;
            return new Created(attrs(node(c.object().fileId())), c.dir());
        });
    }

    @Override
    public CompletableFuture<Created> mknod(Caller caller, long dirId, String name,
                                            org.echofs.core.fs.FileType type, SetAttributes attributes,
                                            int rdevMajor, int rdevMinor) {
        return update("mknod", () -> {
            if (type == FileType.REGULAR || type == FileType.DIRECTORY || type == FileType.SYMLINK) {
                throw new FsException(FsError.BADTYPE, "bad type");
            }
            Created c = make(caller, dirId, name, type, attributes);
            Node n = node(c.object().fileId());
            n.rdevMajor = rdevMajor;
            n.rdevMinor = rdevMinor;
            return new Created(attrs(n), c.dir());
        });
    }

    private Wcc unlink(Caller caller, long dirId, String name, boolean wantDir) throws FsException {
        Node d = dir(dirId);
        need(attrs(d), caller, Access.W | Access.X);
        checkName(name);
        if (name.equals(".") || name.equals("..")) throw new FsException(FsError.INVAL, "cannot remove " + name);
        long[] e = d.children.get(name);
        if (e == null) throw new FsException(FsError.NOENT, "no " + name);
        Node n = node(e[0]);
        if (wantDir && n.type != FileType.DIRECTORY) throw new FsException(FsError.NOTDIR, "not a directory");
        if (!wantDir && n.type == FileType.DIRECTORY) throw new FsException(FsError.ISDIR, "is a directory");
        if (wantDir && !n.children.isEmpty()) throw new FsException(FsError.NOTEMPTY, "not empty");
        WccAttr before = attrs(d).wcc();
        d.children.remove(name);
        d.mtime = d.ctime = tick();
        if (wantDir) {
            d.nlink--;
            nodes.remove(n.id);
        } else if (--n.nlink == 0) {
            nodes.remove(n.id);
        } else {
            n.ctime = tick();
        }
        return new Wcc(before, attrs(d));
    }

    @Override
    public CompletableFuture<Wcc> remove(Caller caller, long dir, String name) {
        return update("remove", () -> unlink(caller, dir, name, false));
    }

    @Override
    public CompletableFuture<Wcc> rmdir(Caller caller, long dir, String name) {
        return update("rmdir", () -> unlink(caller, dir, name, true));
    }

    @Override
    public CompletableFuture<RenameResult> rename(Caller caller, long fromDir, String fromName, long toDir,
                                                  String toName) {
        return update("rename", () -> {
            Node from = dir(fromDir);
            Node to = dir(toDir);
            need(attrs(from), caller, Access.W | Access.X);
            need(attrs(to), caller, Access.W | Access.X);
            checkName(fromName);
            checkName(toName);
            if (fromName.equals(".") || fromName.equals("..") || toName.equals(".") || toName.equals("..")) {
                throw new FsException(FsError.INVAL, "cannot rename . or ..");
            }
            long[] e = from.children.get(fromName);
            if (e == null) throw new FsException(FsError.NOENT, "no " + fromName);
            Node n = node(e[0]);
            WccAttr fromBefore = attrs(from).wcc();
            WccAttr toBefore = attrs(to).wcc();
            if (n.type == FileType.DIRECTORY) {
                for (Node p = to; ; p = node(p.parent)) {
                    if (p.id == n.id) throw new FsException(FsError.INVAL, "into own subtree");
                    if (p.parent == p.id) break;
                }
            }
            long[] t = to.children.get(toName);
            if (t != null) {
                Node target = node(t[0]);
                if (target.id == n.id) {
                    return new RenameResult(new Wcc(fromBefore, attrs(from)), new Wcc(toBefore, attrs(to)));
                }
                if (target.type == FileType.DIRECTORY && n.type != FileType.DIRECTORY) {
                    throw new FsException(FsError.ISDIR, "target is a directory");
                }
                if (target.type != FileType.DIRECTORY && n.type == FileType.DIRECTORY) {
                    throw new FsException(FsError.NOTDIR, "target is not a directory");
                }
                if (!target.children.isEmpty()) throw new FsException(FsError.NOTEMPTY, "target not empty");
                unlink(ROOT, to.id, toName, target.type == FileType.DIRECTORY);
            }
            from.children.remove(fromName);
            if (n.type == FileType.DIRECTORY) from.nlink--;
            from.mtime = from.ctime = tick();
            link(to, toName, n);
            n.ctime = tick();
            return new RenameResult(new Wcc(fromBefore, attrs(from)), new Wcc(toBefore, attrs(to)));
        });
    }

    @Override
    public CompletableFuture<LinkResult> link(Caller caller, long file, long dirId, String name) {
        return update("link", () -> {
            Node n = node(file);
            Node d = dir(dirId);
            if (n.type == FileType.DIRECTORY) throw new FsException(FsError.ISDIR, "cannot link a directory");
            need(attrs(d), caller, Access.W | Access.X);
            checkNewName(d, name);
            if (n.nlink >= INFO.linkMax()) throw new FsException(FsError.MLINK, "too many links");
            WccAttr before = attrs(d).wcc();
            d.children.put(name, new long[] {n.id, d.nextCookie++});
            d.mtime = d.ctime = tick();
            n.nlink++;
            n.ctime = tick();
            return new LinkResult(attrs(n), new Wcc(before, attrs(d)));
        });
    }

    @Override
    public void close() { }
}
