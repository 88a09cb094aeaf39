package org.echofs.storage;

import static org.echofs.storage.Vol.ROOT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child JVM runs updates and is killed with SIGKILL mid-stream; every update it
 * acknowledged must be there after the volume is reopened, and fsck must be clean.
 */
class KillNineTest {

    @TempDir Path tmp;

    private static final class FileState {
        long id;
        int stableLength = -1;
        boolean renameIntended, renamed, removeIntended, removed;
    }

    @Test void everyAcknowledgedUpdateSurvivesKillNine() throws Exception {
        Path dir = tmp.resolve("vol");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", cp, CrashChild.class.getName(), dir.toString());
        pb.redirectError(tmp.resolve("child.err").toFile());
        Process child = pb.start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
            } catch (java.io.IOException ignored) {
                // the child died
            }
            lines.add("EOF");
        });
        reader.start();
        List<String> seen = new ArrayList<>();
        int acks = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (acks < 400) {
            String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null || l.equals("EOF")) {
                throw new AssertionError("child stopped early after " + acks + " acknowledgements: "
                        + Files.readString(tmp.resolve("child.err")));
            }
            seen.add(l);
            if (Character.isUpperCase(l.charAt(0)) && !l.equals("READY")) acks++;
        }
        // SIGKILL, as Process.destroyForcibly sends it, but through the process handle so that our end
        // of the child's stdout stays open and every line it printed (intents included) is read
        child.toHandle().destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        reader.join(30_000);
        for (String l; (l = lines.poll()) != null; ) if (!l.equals("EOF")) seen.add(l);

        Map<String, FileState> files = new HashMap<>();
        Map<String, Long> dirs = new HashMap<>();
        Set<Long> ackedIds = new HashSet<>();
        for (String l : seen) {
            String[] p = l.split(" ");
            if (p[0].equals("READY")) continue;
            String key = p[1] + "/" + p[2];
            switch (p[0]) {
                case "C" -> {
                    FileState f = files.computeIfAbsent(key, k -> new FileState());
                    f.id = Long.parseLong(p[3]);
                    ackedIds.add(f.id);
                }
                case "W" -> files.get(key).stableLength = Integer.parseInt(p[3]);
                case "D" -> {
                    dirs.put(key, Long.parseLong(p[3]));
                    ackedIds.add(Long.parseLong(p[3]));
                }
                case "r" -> files.computeIfAbsent(key, k -> new FileState()).renameIntended = true;
                case "R" -> files.get(key).renamed = true;
                case "x" -> files.computeIfAbsent(key, k -> new FileState()).removeIntended = true;
                case "X" -> files.get(key).removed = true;
                default -> throw new AssertionError("unexpected line " + l);
            }
        }

        MetricRegistry metrics = new MetricRegistry();
        StorageConfig cfg = StorageConfig.defaults(dir).withSegmentBytes(256 << 10);
        int checked = 0;
        try (StorageEngine e = StorageEngine.open(cfg, new SystemClock(), metrics)) {
            long[] w = {e.lookup(ROOT, e.rootId(), "w0").fileId(), e.lookup(ROOT, e.rootId(), "w1").fileId()};
            for (Map.Entry<String, FileState> entry : files.entrySet()) {
                String[] k = entry.getKey().split("/");
                long d = w[Integer.parseInt(k[0])];
                int i = Integer.parseInt(k[1]);
                FileState f = entry.getValue();
                if (f.id == 0) continue; // its create was not acknowledged
                Long atF = idOf(e, d, "f" + i), atR = idOf(e, d, "r" + i);
                if (f.removed) {
                    assertTrue(atF == null && atR == null, "removed " + entry.getKey());
                    assertStale(e, f.id);
                    continue;
                }
                Long found = atF != null ? atF : atR;
                if (found == null) {
                    assertTrue(f.removeIntended, "file " + entry.getKey() + " is missing");
                    continue;
                }
                assertEquals(f.id, found.longValue());
                if (f.renamed) {
                    assertEquals(null, atF, "renamed away " + entry.getKey());
                    assertEquals(f.id, atR, "renamed " + entry.getKey());
                }
                if (!f.renameIntended) assertEquals(null, atR);
                if (f.stableLength >= 0) {
                    long size = e.getattr(f.id).size();
                    assertTrue(size == f.stableLength || size == f.stableLength + 3, "size " + size + " of " + entry.getKey());
                    ByteBuffer b = ByteBuffer.allocate(f.stableLength);
                    e.read(ROOT, f.id, 0, b);
                    assertArrayEquals(CrashChild.content(Integer.parseInt(k[0]), i, f.stableLength), b.array(),
                            "data of " + entry.getKey());
                    checked++;
                }
            }
            for (Map.Entry<String, Long> entry : dirs.entrySet()) {
                String[] k = entry.getKey().split("/");
                assertEquals(entry.getValue().longValue(), e.lookup(ROOT, w[Integer.parseInt(k[0])], "d" + k[1]).fileId());
            }
            long fresh = e.create(ROOT, e.rootId(), "after", org.echofs.core.fs.CreateHow.GUARDED,
                    org.echofs.core.fs.SetAttributes.NONE, 0).get().object().fileId();
            for (long id : ackedIds) assertTrue(fresh > id, "id " + fresh + " is new");
        }
        assertTrue(checked > 50, "checked the data of " + checked + " files");
        FsckReport report = new Fsck().check(dir);
        assertTrue(report.isClean(), report.toText());
        assertFalse(report.objects() < checked);
    }

    private static Long idOf(StorageEngine e, long dir, String name) throws FsException {
        try {
            return e.lookup(ROOT, dir, name).fileId();
        } catch (FsException ex) {
            if (ex.error() == FsError.NOENT) return null;
            throw ex;
        }
    }

    private static void assertStale(StorageEngine e, long id) {
        try {
            e.getattr(id);
            throw new AssertionError("object " + id + " still exists");
        } catch (FsException ex) {
            assertEquals(FsError.STALE, ex.error());
        }
    }
}
