package org.echofs.cli.bench;

import io.netty.channel.EventLoopGroup;
import org.echofs.core.time.Clock;
import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.CreateResult;
import org.echofs.gateway.client.Nfs3Types.DirEntry;
import org.echofs.gateway.client.Nfs3Types.DirEntryPlus;
import org.echofs.gateway.client.Nfs3Types.ExportEntry;
import org.echofs.gateway.client.Nfs3Types.FsInfoResult;
import org.echofs.gateway.client.Nfs3Types.LookupResult;
import org.echofs.gateway.client.Nfs3Types.MountResult;
import org.echofs.gateway.client.Nfs3Types.ReaddirPlusResult;
import org.echofs.gateway.client.Nfs3Types.ReaddirResult;
import org.echofs.gateway.client.RpcFailure;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcClient;
import org.echofs.gateway.rpc.RpcClientConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * The benchmark's hold on one NFS server: the client connections (on one shared event loop
 * group), the directory named by the URL (found through MOUNT), a fresh working directory
 * {@code echofs-bench-<time>-<random>} inside it, and the fixtures several runs share (file sets,
 * the readdir directory, data files), created on first use and kept until the session closes.
 * Closing removes the working directory (unless {@code --keep}) and the connections.
 *
 * <p>Threads: the set-up helpers ({@link #bulk}, fixtures, {@link #removeTree}) are called from
 * one thread at a time and block it; {@link #client} may be used from any thread. Failures are
 * {@link IOException}s saying which call failed with which status.
 */
final class Session implements AutoCloseable {

    /** A directory of files: its handle, the names and (where the server returned them) handles. */
    record FileSet(byte[] dir, String[] names, byte[][] handles) { }

    /** A directory inside the working directory. */
    record Dir(String name, byte[] handle) { }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final String name;
    private NfsUrl url;
    private final BenchSettings settings;
    private final PrintWriter log;
    private final EventLoopGroup group;
    private final CallCounts calls = new CallCounts();
    private final List<BenchClient> clients = new ArrayList<>();
    private final Map<String, FileSet> fileSets = new HashMap<>();
    private final Map<String, byte[]> dataFiles = new HashMap<>();
    private final SplittableRandom random;
    private Nfs3Client mount;
    private String mountedPath;
    private byte[] base;
    private String workName;
    private byte[] work;
    private Dir fixtures;
    private int rtmax = 1 << 20;
    private int wtmax = 1 << 20;
    private int dirCounter;
    private byte[] pattern = new byte[0];

    private Session(String name, NfsUrl url, BenchSettings settings, PrintWriter log, EventLoopGroup group, long seed) {
        this.name = name;
        this.url = url;
        this.settings = settings;
        this.log = log;
        this.group = group;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Connects {@code settings.connections()} NFS connections and one MOUNT connection, finds
     * the URL's directory and makes the working directory in it.
     */
    static Session open(String name, NfsUrl url, BenchSettings settings, Clock clock, PrintWriter log)
            throws IOException {
        EventLoopGroup group = RpcClient.newEventLoopGroup(settings.ioThreads());
        Session s = new Session(name, url, settings, log, group, settings.seed() ^ clock.wallNanos());
        try {
            s.connect(clock);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void connect(Clock clock) throws IOException {
        int uid = settings.uid() != null ? settings.uid() : url.uid().orElse(0);
        int gid = settings.gid() != null ? settings.gid() : url.gid().orElse(0);
        Credential cred = Nfs3Client.unix(uid, gid);
        url = new NfsUrl(url.host(), url.path(), url.nfsPort(), url.mountPort(), OptionalInt.of(uid), OptionalInt.of(gid));
        RpcClientConfig config = RpcClientConfig.defaults().withCallTimeout(settings.callTimeout());
        try {
            mount = new Nfs3Client(RpcClient.connect(url.mountAddress(), config, group), cred);
        } catch (IOException e) {
            throw new IOException(name + ": cannot connect to MOUNT at " + url.host() + ":" + url.mountPort() + ": "
                    + e.getMessage(), e);
        }
        for (int i = 0; i < settings.connections(); i++) {
            try {
                clients.add(new BenchClient(new Nfs3Client(RpcClient.connect(url.nfsAddress(), config, group), cred),
                        calls, i));
            } catch (IOException e) {
                throw new IOException(name + ": cannot connect to NFS at " + url.host() + ":" + url.nfsPort() + ": "
                        + e.getMessage(), e);
            }
        }
        base = resolveBase();
        FsInfoResult info = await(main().fsinfo(base));
        if (info.status() == 0) {
            if (info.rtmax() > 0) rtmax = info.rtmax();
            if (info.wtmax() > 0) wtmax = info.wtmax();
        }
        String stamp = STAMP.format(Instant.ofEpochSecond(0, clock.wallNanos()));
        for (int attempt = 0; work == null; attempt++) {
            String candidate = "echofs-bench-" + stamp + "-" + String.format("%04x", random.nextInt(1 << 16));
            CreateResult r = await(main().mkdir(base, candidate));
            if (r.status() == NfsStatus.EXIST && attempt < 5) continue;
            check(r.status(), "MKDIR " + candidate + " in " + url.path());
            workName = candidate;
            work = handleOf(r, base, candidate);
        }
    }

    /** MNT of the longest export containing the URL's path, then LOOKUP of the rest. */
    private byte[] resolveBase() throws IOException {
        String path = url.path();
        String export = null;
        try {
            for (ExportEntry e : await(mount.exports())) {
                String d = e.directory();
                boolean contains = path.equals(d) || d.equals("/") || path.startsWith(d + "/");
                if (contains && (export == null || d.length() > export.length())) export = d;
            }
        } catch (RpcFailure e) {
            export = null; // no EXPORT procedure: mount the path as it is
        }
        if (export == null) export = path;
        MountResult m = await(mount.mnt(export));
        if (m.status() != 0) {
            throw new IOException(name + ": MNT " + export + " refused (mountstat3 " + m.status() + ")");
        }
        mountedPath = export;
        byte[] fh = m.handle();
        String rest = path.substring(Math.min(path.length(), export.equals("/") ? 0 : export.length()));
        for (String component : rest.split("/")) {
            if (component.isEmpty()) continue;
            LookupResult l = await(main().lookup(fh, component));
            check(l.status(), "LOOKUP " + component + " below export " + export);
            fh = l.handle();
        }
        return fh;
    }

    String name() { return name; }

    /** The URL with the uid and gid this session calls as. */
    NfsUrl url() { return url; }

    BenchSettings settings() { return settings; }

    CallCounts calls() { return calls; }

    /** Largest READ the server offers (FSINFO rtmax). */
    int rtmax() { return rtmax; }

    /** Largest WRITE the server accepts (FSINFO wtmax). */
    int wtmax() { return wtmax; }

    /** The working directory's name, inside the URL's directory. */
    String workName() { return workName; }

    byte[] work() { return work; }

    List<BenchClient> clients() { return clients; }

    BenchClient main() { return clients.get(0); }

    /** The connection for the {@code i}-th call of a bulk action. */
    BenchClient client(long i) { return clients.get((int) (i % clients.size())); }

    /** Random bytes, at least {@code size} of them, the same array every time (do not modify). */
    synchronized byte[] pattern(int size) {
        if (pattern.length < size) {
            byte[] p = new byte[size];
            new SplittableRandom(settings.seed()).nextBytes(p);
            pattern = p;
        }
        return pattern;
    }

    // ---- fixtures

    /** A directory of {@code count} empty files, made once per session. */
    FileSet files(int count) throws IOException {
        String key = "files-" + count;
        FileSet set = fileSets.get(key);
        if (set == null) {
            Dir d = mkdir(fixtures().handle(), key);
            log.printf("  %s: creating %,d files in %s/fixtures/%s (setup, not timed)%n", name, count, workName, key);
            log.flush();
            set = createFiles(d.handle(), "f", count);
            fileSets.put(key, set);
        }
        return set;
    }

    /** The name of the fixture {@link #dataFile} makes. */
    static String dataFileName(String fileName, long size) {
        return fileName + "-" + size;
    }

    /**
     * A file {@link #dataFileName}{@code (fileName, size)} of {@code size} bytes of random data
     * in the fixtures directory, written (and committed) once per session.
     */
    byte[] dataFile(String fileName, long size) throws IOException {
        String key = dataFileName(fileName, size);
        byte[] fh = dataFiles.get(key);
        if (fh == null) {
            log.printf("  %s: writing %s (%,d bytes) in %s/fixtures (setup, not timed)%n", name, key, size, workName);
            log.flush();
            CreateResult r = await(main().create(fixtures().handle(), key));
            check(r.status(), "CREATE " + key);
            fh = handleOf(r, fixtures().handle(), key);
            writeFile(fh, size, Math.min(wtmax, 1 << 20));
            dataFiles.put(key, fh);
        }
        return fh;
    }

    /** The URL of a file in the fixtures directory, for external clients. */
    String fixtureUrl(String fileName) throws IOException {
        fixtures();
        return url.child(workName + "/fixtures/" + fileName);
    }

    /** The URL of a file in a directory of the working directory, for external clients. */
    String fileUrl(Dir dir, String fileName) {
        return url.child(workName + "/" + dir.name() + "/" + fileName);
    }

    private Dir fixtures() throws IOException {
        if (fixtures == null) fixtures = mkdir(work, "fixtures");
        return fixtures;
    }

    /** A new, empty directory in the working directory, named {@code prefix-N}. */
    Dir freshDir(String prefix) throws IOException {
        return mkdir(work, prefix + "-" + (++dirCounter));
    }

    private Dir mkdir(byte[] parent, String dirName) throws IOException {
        CreateResult r = await(main().mkdir(parent, dirName));
        check(r.status(), "MKDIR " + dirName);
        return new Dir(dirName, handleOf(r, parent, dirName));
    }

    /** CREATEs {@code prefix0 .. prefix(count-1)} in {@code dir}, pipelined over every connection. */
    FileSet createFiles(byte[] dir, String prefix, int count) throws IOException {
        String[] names = new String[count];
        byte[][] handles = new byte[count][];
        for (int i = 0; i < count; i++) names[i] = prefix + i;
        bulk("CREATE", count, i -> client(i).create(dir, names[(int) i]).thenApply(r -> {
            expect(r.status(), "CREATE " + names[(int) i]);
            handles[(int) i] = r.handle();
            return r;
        }));
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) if (handles[i] == null) missing.add(i);
        if (!missing.isEmpty()) {
            bulk("LOOKUP", missing.size(), k -> {
                int i = missing.get((int) k);
                return client(k).lookup(dir, names[i]).thenApply(l -> {
                    expect(l.status(), "LOOKUP " + names[i]);
                    handles[i] = l.handle();
                    return l;
                });
            });
        }
        return new FileSet(dir, names, handles);
    }

    /** Writes {@code size} bytes of the pattern into {@code fh} with UNSTABLE WRITEs of {@code block}, then COMMITs. */
    void writeFile(byte[] fh, long size, int block) throws IOException {
        byte[] data = pattern(block);
        long blocks = (size + block - 1) / block;
        bulk("WRITE", blocks, i -> {
            long offset = i * block;
            int n = (int) Math.min(block, size - offset);
            return client(i).write(fh, offset, data, n, Nfs3Client.UNSTABLE).thenApply(w -> {
                expect(w.status(), "WRITE at " + offset);
                if (w.count() != n) throw new CompletionException(new IOException("short WRITE at " + offset));
                return w;
            });
        });
        check(await(main().commit(fh)).status(), "COMMIT");
    }

    /**
     * Runs {@code count} actions, {@code op.apply(i)} for i = 0..count-1, keeping up to
     * connections x depth in flight; waits for all of them. The first failure (a future that
     * completed exceptionally) stops the issuing and is thrown.
     */
    void bulk(String what, long count, LongFunction<CompletableFuture<?>> op) throws IOException {
        int permits = settings.connections() * settings.depth();
        Semaphore inFlight = new Semaphore(permits);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            for (long i = 0; i < count && failure.get() == null; i++) {
                inFlight.acquire();
                CompletableFuture<?> f;
                try {
                    f = op.apply(i);
                } catch (RuntimeException e) {
                    inFlight.release();
                    failure.compareAndSet(null, e);
                    break;
                }
                f.whenComplete((r, e) -> {
                    if (e != null) failure.compareAndSet(null, e);
                    inFlight.release();
                });
            }
            if (!inFlight.tryAcquire(permits, settings.callTimeout().toMillis() * 2 + 10_000, TimeUnit.MILLISECONDS)) {
                throw new IOException(name + ": " + what + " calls did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Throwable t = failure.get();
        if (t != null) {
            Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            throw new IOException(name + ": " + (c.getMessage() != null ? c.getMessage() : c.toString()), c);
        }
    }

    // ---- removal

    /** Removes {@code dirName} in {@code parent} and everything below it; nothing when it is gone. */
    void removeTree(byte[] parent, String dirName) throws IOException {
        LookupResult l = await(main().lookup(parent, dirName));
        if (l.status() == NfsStatus.NOENT) return;
        check(l.status(), "LOOKUP " + dirName);
        removeContents(l.handle());
        check(await(main().rmdir(parent, dirName)).status(), "RMDIR " + dirName);
    }

    /** Removes {@code dir}'s entries in the working directory. */
    void removeTree(Dir dir) throws IOException {
        removeTree(work, dir.name());
    }

    private record Entry(String name, boolean dir, byte[] handle) { }

    private void removeContents(byte[] dir) throws IOException {
        List<Entry> entries = list(dir);
        List<String> files = new ArrayList<>();
        for (Entry e : entries) {
            if (e.dir()) removeContents(e.handle());
            else files.add(e.name());
        }
        List<String> dirs = entries.stream().filter(Entry::dir).map(Entry::name).toList();
        bulk("REMOVE", files.size(), i -> client(i).remove(dir, files.get((int) i)).thenApply(r -> {
            if (r.status() != NfsStatus.NOENT) expect(r.status(), "REMOVE " + files.get((int) i));
            return r;
        }));
        for (String d : dirs) check(await(main().rmdir(dir, d)).status(), "RMDIR " + d);
    }

    /** Every entry of {@code dir} but "." and "..", with its type and handle. */
    private List<Entry> list(byte[] dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        long cookie = 0;
        long verifier = 0;
        boolean eof = false;
        boolean plus = true;
        while (!eof && plus) {
            ReaddirPlusResult r = await(main().readdirplus(dir, cookie, verifier, 16 * 1024, 256 * 1024));
            if (r.status() == NfsStatus.NOTSUPP) {
                plus = false;
                break;
            }
            check(r.status(), "READDIRPLUS");
            for (DirEntryPlus e : r.entries()) {
                cookie = e.cookie();
                if (e.name().equals(".") || e.name().equals("..")) continue;
                if (e.handle() == null || e.attributes() == null) {
                    out.add(lookupEntry(dir, e.name()));
                } else {
                    out.add(new Entry(e.name(), e.attributes().type() == Nfs3Client.NF3DIR, e.handle()));
                }
            }
            verifier = r.verifier();
            eof = r.eof();
        }
        if (!plus) {
            out.clear();
            cookie = 0;
            verifier = 0;
            eof = false;
            while (!eof) {
                ReaddirResult r = await(main().readdir(dir, cookie, verifier, 32 * 1024));
                check(r.status(), "READDIR");
                for (DirEntry e : r.entries()) {
                    cookie = e.cookie();
                    if (!e.name().equals(".") && !e.name().equals("..")) out.add(lookupEntry(dir, e.name()));
                }
                verifier = r.verifier();
                eof = r.eof();
            }
        }
        return out;
    }

    private Entry lookupEntry(byte[] dir, String entryName) throws IOException {
        LookupResult l = await(main().lookup(dir, entryName));
        check(l.status(), "LOOKUP " + entryName);
        return new Entry(entryName, l.object() != null && l.object().type() == Nfs3Client.NF3DIR, l.handle());
    }

    // ---- helpers

    /** The handle a CREATE/MKDIR returned, or the one LOOKUP finds when the reply had none. */
    byte[] handleOf(CreateResult r, byte[] dir, String entryName) throws IOException {
        if (r.handle() != null) return r.handle();
        LookupResult l = await(main().lookup(dir, entryName));
        check(l.status(), "LOOKUP " + entryName);
        return l.handle();
    }

    /** Throws an IOException naming the call when {@code status} is not NFS3_OK. */
    void check(int status, String what) throws IOException {
        if (status != 0) throw new IOException(name + ": " + what + " failed: " + NfsStatus.name(status));
    }

    /** For use inside futures: as {@link #check}, wrapped in a CompletionException. */
    static void expect(int status, String what) {
        if (status != 0) throw new CompletionException(new IOException(what + " failed: " + NfsStatus.name(status)));
    }

    static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return Nfs3Client.await(f);
        } catch (RpcFailure e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Removes the working directory (unless --keep), unmounts and closes every connection. */
    @Override
    public void close() {
        try {
            if (work != null && !settings.keep()) {
                log.printf("  %s: removing %s (not timed)%n", name, workName);
                log.flush();
                removeTree(base, workName);
            } else if (work != null) {
                log.printf("  %s: kept %s%n", name, url.child(workName));
                log.flush();
            }
        } catch (IOException | RuntimeException e) {
            log.printf("  %s: could not remove %s: %s%n", name, workName, e.getMessage());
            log.flush();
        }
        try {
            if (mount != null && mountedPath != null) await(mount.umnt(mountedPath));
        } catch (IOException | RuntimeException e) {
            // UMNT is advisory
        }
        for (BenchClient c : clients) c.nfs().close();
        if (mount != null) mount.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
