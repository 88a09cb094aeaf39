package org.echofs.storage;

import com.codahale.metrics.MetricRegistry;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.echofs.core.fs.Caller;
import org.echofs.core.fs.CreateHow;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Stability;

/**
 * The child process of {@link KillNineTest}: runs updates on a volume forever, two workers in
 * parallel, printing an intent line before each update and an acknowledgement after its future
 * completed. Lines: {@code C w i id}, {@code W w i len}, {@code D w i id}, {@code r w i} then
 * {@code R w i}, {@code x w i} then {@code X w i}.
 */
public final class CrashChild {

    private CrashChild() { }

    static byte[] content(int worker, int i, int len) {
        byte[] b = new byte[len];
        for (int k = 0; k < len; k++) b[k] = (byte) (worker * 31 + i * 7 + k);
        return b;
    }

    static int length(int i) {
        return 1000 + (i * 977) % 9000;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        StorageConfig cfg = StorageConfig.defaults(dir).withSegmentBytes(256 << 10)
                .withCheckpointInterval(Duration.ofMillis(300)).withRoot(0777, 0, 0);
        StorageEngine e = StorageEngine.open(cfg, new SystemClock(), new MetricRegistry());
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        Caller root = new Caller(0, 0, null);
        long[] dirs = new long[2];
        for (int w = 0; w < 2; w++) {
            dirs[w] = e.mkdir(root, e.rootId(), "w" + w, SetAttributes.NONE).get().object().fileId();
        }
        out.println("READY");
        Thread[] workers = new Thread[2];
        for (int w = 0; w < 2; w++) {
            int me = w;
            workers[w] = new Thread(() -> {
                try {
                    long d = dirs[me];
                    for (int i = 0; ; i++) {
                        long id = e.create(root, d, "f" + i, CreateHow.GUARDED, SetAttributes.NONE, 0).get().object().fileId();
                        out.println("C " + me + " " + i + " " + id);
                        byte[] data = content(me, i, length(i));
                        e.write(root, id, 0, ByteBuffer.wrap(data), Stability.FILE_SYNC).get();
                        out.println("W " + me + " " + i + " " + data.length);
                        e.write(root, id, data.length, ByteBuffer.wrap(new byte[] {9, 9, 9}), Stability.UNSTABLE).get();
                        if (i % 5 == 0) {
                            long sub = e.mkdir(root, d, "d" + i, SetAttributes.NONE).get().object().fileId();
                            out.println("D " + me + " " + i + " " + sub);
                        }
                        if (i % 3 == 1) {
                            out.println("r " + me + " " + i);
                            e.rename(root, d, "f" + i, d, "r" + i).get();
                            out.println("R " + me + " " + i);
                        }
                        if (i % 4 == 3) {
                            int victim = i - 2;
                            String name = victim % 3 == 1 ? "r" + victim : "f" + victim;
                            out.println("x " + me + " " + victim);
                            e.remove(root, d, name).get();
                            out.println("X " + me + " " + victim);
                        }
                    }
                } catch (Exception ex) {
                    ex.printStackTrace();
                    System.exit(3);
                }
            });
            workers[w].start();
        }
        for (Thread t : workers) t.join();
    }
}
