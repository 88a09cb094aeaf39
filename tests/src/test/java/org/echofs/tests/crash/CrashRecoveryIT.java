package org.echofs.tests.crash;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.CommitResult;
import org.echofs.gateway.client.Nfs3Types.CreateResult;
import org.echofs.gateway.client.Nfs3Types.LookupResult;
import org.echofs.gateway.client.Nfs3Types.ReadResult;
import org.echofs.gateway.client.Nfs3Types.ReaddirResult;
import org.echofs.gateway.client.Nfs3Types.Sattr;
import org.echofs.gateway.client.Nfs3Types.WriteResult;
import org.echofs.gateway.rpc.Credential;
import org.echofs.tests.process.GatewayProcess;
import org.echofs.tests.process.GatewayWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Crash safety through the NFS port of a real gateway process: clients create files, write them
 * (UNSTABLE + COMMIT, or FILE_SYNC), rename them, remove some and change modes, while the gateway
 * is killed with SIGKILL at a random moment. After every crash the gateway restarts on the same
 * directory and every operation that got a stable reply is checked: created names exist, committed
 * bytes are there byte for byte under the acknowledged name, acknowledged renames and removes
 * happened, acknowledged modes hold. No name exists that no client tried to make. The write
 * verifier differs after a restart. The last crash is followed by {@code echofs fsck}, without a
 * restart in between (fsck replays the log itself), which must find the volume clean.
 *
 * <p>Seeded: {@code -Dechofs.crash.seed=N} replays the same operations and kill moments (the
 * interleaving between clients and the exact kill point still vary). The seed is printed.
 */
class CrashRecoveryIT {

    @RegisterExtension
    static final GatewayWatcher WATCH = new GatewayWatcher();

    private static final Credential ROOT = Nfs3Client.unix(0, 0);
    private static final int WORKERS = 4;
    private static final int CYCLES = Integer.getInteger("echofs.crash.cycles", 3);
    private static final int CHUNK = 32 << 10;
    /** Writes of a big file: 4 KiB-aligned and as large as storage.direct-write-min, so they bypass the page cache. */
    private static final int BIG_CHUNK = 256 << 10;

    /** What the clients were told about one file, stable replies only. */
    static final class FileRecord {
        final String dir;
        final String tmpName;
        final String finalName;
        volatile boolean created;
        volatile byte[] committed;
        volatile boolean renamed;
        volatile boolean removeSent;
        volatile boolean removed;
        volatile Integer mode;

        FileRecord(String dir, String tmpName, String finalName) {
            this.dir = dir;
            this.tmpName = tmpName;
            this.finalName = finalName;
        }
    }

    private final Map<String, FileRecord> files = new ConcurrentHashMap<>();
    /** Files written in page-cache-bypassing chunks. */
    private final AtomicInteger bigFiles = new AtomicInteger();
    private final Set<String> attempted = ConcurrentHashMap.newKeySet();

    @Test
    @Timeout(600)
    void everyStableReplySurvivesKillNine() throws Exception {
        long seed = Long.getLong("echofs.crash.seed", new Random().nextLong());
        System.out.println("CrashRecoveryIT seed " + seed + " (replay with -Dechofs.crash.seed=" + seed + ")");
        Random random = new Random(seed);

        GatewayProcess g = WATCH.track(GatewayProcess.start(new GatewayProcess.Options().name("crash").heap("256m")));
        byte[] root;
        List<byte[]> dirs = new ArrayList<>();
        try (Nfs3Client c = new Nfs3Client(g.connect(Duration.ofSeconds(10)), ROOT)) {
            root = await(c.mnt(GatewayProcess.EXPORT)).handle();
            for (int w = 0; w < WORKERS; w++) {
                CreateResult d = await(c.mkdir(root, "w" + w, Sattr.mode(0755)));
                assertEquals(0, d.status(), "mkdir w" + w);
                dirs.add(d.handle());
            }
        }

        int[] next = new int[WORKERS];
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            long runMillis = 1200 + random.nextInt(2500);
            long verifierBefore = runWorkload(g, dirs, next, random.nextLong(), runMillis, cycle);
            g.kill9();
            int acked = (int) files.values().stream().filter(f -> f.created).count();
            System.out.printf("cycle %d: killed after %d ms; %d files acknowledged as created so far%n",
                    cycle, runMillis, acked);
            if (cycle == CYCLES) {
                // fsck straight after the crash: it replays the log on its own.
                FsckRun fsck = fsck(g.dataDir());
                assertEquals(0, fsck.exit, "fsck after kill -9 must be clean:\n" + fsck.output);
                assertTrue(fsck.output.contains("clean"), fsck.output);
            }
            g.restart();
            try (Nfs3Client c = new Nfs3Client(g.connect(Duration.ofSeconds(20)), ROOT)) {
                verify(c, dirs);
                if (verifierBefore != 0) {
                    byte[] probe = await(c.create(root, "probe-" + cycle, Nfs3Client.GUARDED, Sattr.NONE)).handle();
                    WriteResult w = await(c.write(probe, 0, new byte[]{1}, Nfs3Client.UNSTABLE));
                    assertNotEquals(verifierBefore, w.verifier(),
                            "the write verifier must change when the gateway restarts");
                }
            }
        }
        assertEquals(143, g.stop());
        FsckRun fsck = fsck(g.dataDir());
        assertEquals(0, fsck.exit, "fsck after a clean stop:\n" + fsck.output);
        long renamed = files.values().stream().filter(f -> f.renamed).count();
        long committed = files.values().stream().filter(f -> f.committed != null).count();
        long removed = files.values().stream().filter(f -> f.removed).count();
        System.out.printf("CrashRecoveryIT: %d files created (%d of them big), %d committed, %d renamed, %d removed "
                + "(acknowledged)%n", files.values().stream().filter(f -> f.created).count(), bigFiles.get(), committed,
                renamed, removed);
        assertTrue(renamed > 10, "the workload made too little progress to mean anything: " + renamed);
        assertTrue(bigFiles.get() > 3, "too few big files to mean anything: " + bigFiles.get());
    }

    /** Runs the workers against the gateway for {@code millis}; returns a write verifier seen (0 if none). */
    private long runWorkload(GatewayProcess g, List<byte[]> dirs, int[] next, long seed, long millis, int cycle)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        long[] verifier = new long[1];
        List<Thread> threads = new ArrayList<>();
        List<Nfs3Client> clients = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Nfs3Client c = new Nfs3Client(g.connect(Duration.ofSeconds(10)), ROOT);
            clients.add(c);
            int worker = w;
            Random r = new Random(seed * 31 + w);
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        int k = next[worker]++;
                        long v = oneFile(c, dirs.get(worker), "w" + worker, k, r, cycle);
                        if (v != 0) verifier[0] = v;
                    }
                } catch (Exception e) {
                    failures.incrementAndGet(); // the crash: the connection goes away mid-call
                }
            }, "crash-worker-" + w);
            threads.add(t);
            t.start();
        }
        Thread.sleep(millis); // the kill moment: test pacing, not synchronisation
        long v = verifier[0];
        // Kill while the workers are still mid-stream; they stop on their own when the connection drops.
        return v;
    }

    /** One file's life: create, write, commit, rename; sometimes remove an older file or chmod. */
    private long oneFile(Nfs3Client c, byte[] dir, String dirName, int k, Random r, int cycle) throws Exception {
        String tmp = "f" + k + ".tmp";
        String fin = "f" + k + ".dat";
        FileRecord rec = new FileRecord(dirName, tmp, fin);
        files.put(dirName + "/" + k, rec);
        attempted.add(dirName + "/" + tmp);
        attempted.add(dirName + "/" + fin);
        CreateResult cr = await(c.create(dir, tmp, Nfs3Client.GUARDED, Sattr.mode(0644)));
        if (cr.status() != 0) throw new IOException("create " + tmp + " failed with " + cr.status());
        rec.created = true;

        boolean big = r.nextInt(8) == 0;
        byte[] content = new byte[big ? BIG_CHUNK + r.nextInt(3 * BIG_CHUNK) : r.nextInt(160 << 10)];
        r.nextBytes(content);
        if (big) bigFiles.incrementAndGet();
        int chunk = big ? BIG_CHUNK : CHUNK;
        boolean fileSync = r.nextInt(4) == 0;
        long verifier = 0;
        List<CompletableFuture<WriteResult>> writes = new ArrayList<>();
        for (int off = 0; off < content.length; off += chunk) {
            int len = Math.min(chunk, content.length - off);
            writes.add(c.write(cr.handle(), off, content, off, len,
                    fileSync ? Nfs3Client.FILE_SYNC : Nfs3Client.UNSTABLE));
        }
        boolean sameVerifier = true;
        for (CompletableFuture<WriteResult> f : writes) {
            WriteResult w = await(f);
            if (w.status() != 0) throw new IOException("write failed with " + w.status());
            if (verifier == 0) verifier = w.verifier();
            sameVerifier &= verifier == w.verifier();
            if (fileSync && w.committed() != Nfs3Client.FILE_SYNC) fail("FILE_SYNC write answered " + w.committed());
        }
        if (fileSync) {
            rec.committed = content;
        } else {
            CommitResult cm = await(c.commit(cr.handle(), 0, 0));
            if (cm.status() != 0) throw new IOException("commit failed with " + cm.status());
            if (sameVerifier && (writes.isEmpty() || cm.verifier() == verifier)) rec.committed = content;
        }
        if (rec.committed == null) throw new IOException("verifier changed mid-file: a restart happened");

        if (await(c.rename(dir, tmp, dir, fin)).status() != 0) throw new IOException("rename failed");
        rec.renamed = true;

        if (k > 2 && r.nextInt(5) == 0) {
            FileRecord old = files.get(dirName + "/" + (k - 2));
            if (old != null && old.renamed && !old.removeSent) {
                old.removeSent = true;
                if (await(c.remove(dir, old.finalName)).status() == 0) old.removed = true;
            }
        }
        if (r.nextInt(6) == 0) {
            int mode = 0600 | r.nextInt(8) << 3;
            LookupResult l = await(c.lookup(dir, fin));
            if (l.status() == 0) {
                if (await(c.setattr(l.handle(), Sattr.mode(mode), null)).status() == 0) rec.mode = mode;
            }
        }
        return verifier;
    }

    private void verify(Nfs3Client c, List<byte[]> dirs) throws Exception {
        int checked = 0;
        for (FileRecord f : files.values()) {
            byte[] dir = dirs.get(Integer.parseInt(f.dir.substring(1)));
            LookupResult tmp = await(c.lookup(dir, f.tmpName));
            LookupResult fin = await(c.lookup(dir, f.finalName));
            String what = f.dir + "/" + f.finalName;
            if (f.removed) {
                assertEquals(2, fin.status(), what + " was removed with a stable reply");
                assertEquals(2, tmp.status(), what + " (tmp) was renamed and removed");
                checked++;
                continue;
            }
            if (f.removeSent && fin.status() == 2) {
                // A remove was sent and its reply lost in the crash: it may have happened.
                assertEquals(2, tmp.status(), what + " (tmp) was renamed before the remove");
                checked++;
                continue;
            }
            if (f.renamed) {
                assertEquals(0, fin.status(), what + " was renamed with a stable reply");
                assertEquals(2, tmp.status(), what + ": the old name must be gone after an acknowledged rename");
            } else if (f.created) {
                assertTrue(tmp.status() == 0 ^ fin.status() == 0,
                        what + ": an acknowledged create must leave exactly one of its names, got tmp="
                                + tmp.status() + " final=" + fin.status());
            } else {
                continue;
            }
            byte[] handle = fin.status() == 0 ? fin.handle() : tmp.handle();
            if (f.committed != null) {
                assertArrayEquals(f.committed, readAll(c, handle), what + ": committed bytes");
            }
            if (f.mode != null) {
                assertEquals((int) f.mode, await(c.getattr(handle)).attributes().mode() & 07777, what + ": mode");
            }
            checked++;
        }
        // Nothing exists that no client tried to make.
        for (int w = 0; w < dirs.size(); w++) {
            for (String name : list(c, dirs.get(w))) {
                if (name.equals(".") || name.equals("..")) continue;
                assertTrue(attempted.contains("w" + w + "/" + name), "unexpected name w" + w + "/" + name);
            }
        }
        System.out.println("verified " + checked + " files after restart");
    }

    private static byte[] readAll(Nfs3Client c, byte[] fh) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long off = 0;
        while (true) {
            ReadResult r = await(c.read(fh, off, 64 << 10));
            assertEquals(0, r.status(), "read");
            out.write(r.data(), 0, r.data().length);
            off += r.data().length;
            if (r.eof() || r.data().length == 0) return out.toByteArray();
        }
    }

    private static Set<String> list(Nfs3Client c, byte[] dir) throws IOException {
        Set<String> names = new HashSet<>();
        long cookie = 0, verf = 0;
        while (true) {
            ReaddirResult r = await(c.readdir(dir, cookie, verf, 32 << 10));
            assertEquals(0, r.status(), "readdir");
            r.entries().forEach(e -> names.add(e.name()));
            if (r.eof() || r.entries().isEmpty()) return names;
            cookie = r.entries().get(r.entries().size() - 1).cookie();
            verf = r.verifier();
        }
    }

    record FsckRun(int exit, String output) { }

    private static FsckRun fsck(Path dataDir) throws Exception {
        String jar = System.getProperty(GatewayProcess.JAR_PROPERTY);
        Process p = new ProcessBuilder("java", "-jar", jar, "fsck", "--dir", dataDir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("fsck did not finish:\n" + out);
        }
        return new FsckRun(p.exitValue(), out);
    }
}
