package org.echofs.tests.interop;

import org.echofs.tests.process.GatewayProcess;
import org.echofs.tests.process.GatewayWatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A third-party client against a real gateway process: Debian's libnfs-utils ({@code nfs-ls} plain,
 * {@code -R}, {@code -s}, {@code -D}; {@code nfs-cp} both ways; {@code nfs-cat}) and {@code nfsload},
 * this module's own small libnfs program ({@code src/test/c/nfsload.c}, compiled here with gcc and
 * libnfs-dev, which {@code bin/test} installs), for the namespace operations the utilities lack and a
 * concurrent load. The gateway listens on a private loopback address 127.0.0.N with its embedded
 * portmapper on 127.0.0.N:111 (the tests run as root), so URLs without ports and discovery work too.
 * Finally the peers' {@code smoke.sh} runs when {@code ../shared} (beside the repository) has it;
 * without it that one test is skipped, or fails if the system property {@value #SMOKE_REQUIRED} is true.
 */
class LibnfsInteropIT {

    static final String SMOKE_REQUIRED = "echofs.smoke.required";
    static final long CAPACITY = 2L * 1024 * 1024 * 1024;
    static final Duration LIMIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final GatewayWatcher WATCH = new GatewayWatcher();

    private static Path repo;
    private static Path scratch;
    private static Command cmd;
    private static String nfsload;
    private static GatewayProcess gateway;
    /** Why the embedded portmapper could not be started, or null when it runs. */
    private static String portmapProblem;

    @BeforeAll
    static void setUp() throws IOException {
        repo = Path.of(System.getProperty("echofs.repo", "..")).toAbsolutePath().normalize();
        Path base = Path.of(System.getProperty(GatewayProcess.WORK_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        scratch = Files.createTempDirectory(base.toAbsolutePath(), "libnfs-");
        cmd = new Command(scratch);

        Path source = repo.resolve("tests/src/test/c/nfsload.c");
        Path binary = scratch.resolve("nfsload");
        Command.Result cc = cmd.run(LIMIT, "gcc", "-O2", "-Wall", "-Werror", "-o", binary.toString(),
                source.toString(), "-lnfs");
        assertEquals(0, cc.exit(), "compiling nfsload needs gcc and libnfs-dev (bin/test installs both):\n"
                + cc.describe());
        nfsload = binary.toString();
        gateway = WATCH.track(startWithPortmapper());
    }

    /**
     * A gateway on 127.0.0.N with its portmapper on 127.0.0.N:111, for a random N whose port 111 is
     * free; without a portmapper (and {@link #portmapProblem} saying why) if no such N is found.
     */
    private static GatewayProcess startWithPortmapper() throws IOException {
        Random r = new Random();
        List<String> problems = new ArrayList<>();
        for (int attempt = 0; attempt < 8; attempt++) {
            InetAddress addr = InetAddress.getByAddress(new byte[]{127, 0, 0, (byte) (2 + r.nextInt(252))});
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(addr, 111));
            } catch (IOException e) {
                problems.add(addr.getHostAddress() + ":111: " + e.getMessage());
                continue;
            }
            GatewayProcess g = GatewayProcess.start(options(addr).portmap(111));
            if (g.portmapPort() != null) {
                return g;
            }
            problems.add(addr.getHostAddress() + ":111: the gateway could not bind it (see its log)");
            g.close();
        }
        portmapProblem = "no 127.0.0.N:111 could be bound for the embedded portmapper (binding port 111 needs "
                + "root and no rpcbind on the wildcard address): " + problems;
        return GatewayProcess.start(options(InetAddress.getLoopbackAddress()));
    }

    private static GatewayProcess.Options options(InetAddress bind) {
        return new GatewayProcess.Options().name("libnfs").heap("256m").bind(bind)
                .exports(GatewayProcess.EXPORT + " -id=1,rw 127.0.0.0/8(rw,no_root_squash,insecure)\n")
                .config("storage.capacity", "2GiB");
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (gateway != null) gateway.close();
        if (scratch != null) {
            try (Stream<Path> s = Files.walk(scratch)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Command.Result ok(Command.Result r) {
        assertEquals(0, r.exit(), r.describe());
        return r;
    }

    private static Command.Result nfsload(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(nfsload, gateway.url()));
        argv.addAll(List.of(args));
        return cmd.run(LIMIT, Map.of(), argv);
    }

    private static Path localFile(String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Path p = scratch.resolve(name);
        Files.write(p, b);
        return p;
    }

    /** One entry of an {@code nfs-ls} listing: type character, size, path. */
    record Entry(char type, long size, String path) {
    }

    private static final Pattern LS_LINE =
            Pattern.compile("^([-dlcbps?])[-rwxsStT]{9}\\s+\\d+\\s+\\d+\\s+\\d+\\s+(\\d+)\\s+(.+)$");

    /** Parses {@code nfs-ls} output (lines that are not entries, like the -s summary, are skipped). */
    private static Map<String, Entry> entries(Command.Result r) {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (String line : r.out().split("\n")) {
            Matcher x = LS_LINE.matcher(line);
            if (x.matches()) m.put(x.group(3), new Entry(x.group(1).charAt(0), Long.parseLong(x.group(2)), x.group(3)));
        }
        return m;
    }

    private static final Pattern SUMMARY = Pattern.compile("^\\s*(\\d+) of\\s+(\\d+) bytes free\\.$");

    /** {free, total} from {@code nfs-ls -s}. */
    private static long[] summary(String url) throws IOException {
        Command.Result r = ok(cmd.run(LIMIT, "nfs-ls", "-s", url));
        Matcher m = SUMMARY.matcher(r.lastLine());
        assertTrue(m.matches(), "no summary line in\n" + r.describe());
        return new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Timeout(120)
    void listingsPlainRecursiveAndSummary() throws IOException {
        ok(nfsload("mkdir", "/tree"));
        ok(nfsload("mkdir", "/tree/a"));
        ok(nfsload("mkdir", "/tree/a/b"));
        ok(cmd.run(LIMIT, "nfs-cp", localFile("top.txt", 11, 1).toString(), gateway.url("tree/top.txt")));
        ok(cmd.run(LIMIT, "nfs-cp", localFile("mid.bin", 5000, 2).toString(), gateway.url("tree/a/mid.bin")));
        ok(cmd.run(LIMIT, "nfs-cp", localFile("deep.txt", 3, 3).toString(), gateway.url("tree/a/b/deep.txt")));

        Map<String, Entry> plain = entries(ok(cmd.run(LIMIT, "nfs-ls", gateway.url("tree"))));
        assertEquals(List.of("a", "top.txt"), plain.keySet().stream().sorted().toList(), plain.toString());
        assertEquals('d', plain.get("a").type());
        assertEquals(new Entry('-', 11, "top.txt"), plain.get("top.txt"));

        Map<String, Entry> rec = entries(ok(cmd.run(LIMIT, "nfs-ls", "-R", gateway.url("tree"))));
        assertEquals(List.of("a", "a/b", "a/b/deep.txt", "a/mid.bin", "top.txt"),
                rec.keySet().stream().sorted().toList(), rec.toString());
        assertEquals(new Entry('-', 5000, "a/mid.bin"), rec.get("a/mid.bin"));
        assertEquals(new Entry('-', 3, "a/b/deep.txt"), rec.get("a/b/deep.txt"));
        assertEquals('d', rec.get("a/b").type());

        Command.Result s = ok(cmd.run(LIMIT, "nfs-ls", "-s", gateway.url("tree")));
        assertEquals(plain.keySet(), entries(s).keySet(), "-s lists the directory too");
        long[] fs = summary(gateway.url("tree"));
        assertEquals(CAPACITY, fs[1], "total bytes are storage.capacity");
        assertTrue(fs[0] <= CAPACITY - 5014, "free bytes " + fs[0] + " leave room for the files written");
    }

    @Test
    @Timeout(180)
    void copyUpAndDownAndCat() throws IOException {
        ok(nfsload("mkdir", "/copy"));
        long freeBefore = summary(gateway.url())[0];
        int[] sizes = {0, 1, (1 << 20) + 13, 20 << 20};
        long total = 0;
        for (int size : sizes) {
            String name = "file-" + size;
            Path local = localFile(name, size, size);
            byte[] want = Files.readAllBytes(local);
            String url = gateway.url("copy/" + name);
            Command.Result up = ok(cmd.run(LIMIT, "nfs-cp", local.toString(), url));
            assertTrue(up.out().contains("copied " + size + " bytes"), up.describe());
            total += size;

            Path back = scratch.resolve(name + ".back");
            ok(cmd.run(LIMIT, "nfs-cp", url, back.toString()));
            assertArrayEquals(want, Files.readAllBytes(back), "nfs-cp down of " + size + " bytes");

            if (size <= (1 << 20) + 13) {
                Command.Result cat = ok(cmd.run(LIMIT, "nfs-cat", url));
                assertArrayEquals(want, cat.stdout(), "nfs-cat of " + size + " bytes");
            }
            Files.delete(back);
        }
        Map<String, Entry> listed = entries(ok(cmd.run(LIMIT, "nfs-ls", gateway.url("copy"))));
        for (int size : sizes) {
            assertEquals(new Entry('-', size, "file-" + size), listed.get("file-" + size), listed.toString());
        }

        // nfs-cp creates exclusively: copying over an existing name fails and leaves the file alone.
        Path other = localFile("other", 100, 99);
        Command.Result again = cmd.run(LIMIT, "nfs-cp", other.toString(), gateway.url("copy/file-1"));
        assertNotEquals(0, again.exit(), "overwriting with nfs-cp must fail: " + again.describe());
        assertTrue(again.stderr().contains("EXIST"), again.describe());
        assertArrayEquals(Files.readAllBytes(scratch.resolve("file-1")),
                ok(cmd.run(LIMIT, "nfs-cat", gateway.url("copy/file-1"))).stdout());

        long freeAfter = summary(gateway.url())[0];
        assertTrue(freeBefore - freeAfter >= total, "free space went from " + freeBefore + " to " + freeAfter
                + " after writing " + total + " bytes");

        // Reading what is not there fails cleanly.
        Command.Result missing = cmd.run(LIMIT, "nfs-cat", gateway.url("copy/no-such-file"));
        assertNotEquals(0, missing.exit(), missing.describe());
    }

    @Test
    @Timeout(120)
    void namespaceOperationsThroughLibnfs() throws IOException {
        ok(nfsload("mkdir", "/ns"));
        ok(cmd.run(LIMIT, "nfs-cp", localFile("ns-f", 4097, 5).toString(), gateway.url("ns/f")));
        ok(nfsload("rename", "/ns/f", "/ns/g"));
        String stat = ok(nfsload("stat", "/ns/g")).lastLine();
        assertTrue(stat.matches("type=file size=4097 mode=0[0-7]{3} nlink=1"), stat);
        Command.Result gone = nfsload("stat", "/ns/f");
        assertEquals(1, gone.exit(), gone.describe());
        assertTrue(gone.stderr().contains("NOENT"), gone.describe());

        ok(nfsload("symlink", "g", "/ns/l"));
        assertEquals("g", ok(nfsload("readlink", "/ns/l")).lastLine());
        assertTrue(ok(nfsload("stat", "/ns/l")).lastLine().startsWith("type=link size=1 "));
        assertEquals(List.of("g", "l"), ok(nfsload("list", "/ns")).out().lines().sorted().toList());

        Command.Result notEmpty = nfsload("rmdir", "/ns");
        assertEquals(1, notEmpty.exit(), notEmpty.describe());
        assertTrue(notEmpty.stderr().contains("NOTEMPTY"), notEmpty.describe());
        Command.Result exists = nfsload("mkdir", "/ns");
        assertTrue(exists.exit() == 1 && exists.stderr().contains("EXIST"), exists.describe());

        ok(nfsload("unlink", "/ns/l"));
        ok(nfsload("unlink", "/ns/g"));
        ok(nfsload("rmdir", "/ns"));
        assertEquals(1, nfsload("stat", "/ns").exit());
        assertTrue(!entries(ok(cmd.run(LIMIT, "nfs-ls", gateway.url()))).containsKey("ns"));
    }

    @Test
    @Timeout(180)
    void concurrentLoadFromSeveralClients() throws Exception {
        int clients = 4;
        int files = 40;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Command.Result>> runs = new ArrayList<>();
            for (int k = 0; k < clients; k++) {
                String dir = "/load" + k;
                int size = 32 * 1024 + k * 1000 + 1;
                ok(nfsload("mkdir", dir));
                runs.add(pool.submit(() -> nfsload("load", dir, Integer.toString(files), Integer.toString(size))));
            }
            for (int k = 0; k < clients; k++) {
                Command.Result r = ok(runs.get(k).get(150, TimeUnit.SECONDS));
                long size = 32 * 1024 + k * 1000 + 1;
                assertEquals("load: files=" + files + " size=" + size + " written=" + files * size + " verified="
                        + files * size + " listed=" + files + " removed=" + files, r.lastLine());
                assertEquals("", ok(nfsload("list", "/load" + k)).out(), "files left in /load" + k);
                ok(nfsload("rmdir", "/load" + k));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(120)
    void discoveryAndUrlsWithoutPortsGoThroughTheEmbeddedPortmapper() throws IOException {
        if (portmapProblem != null) fail(portmapProblem);
        String host = gateway.bindAddress().getHostAddress();
        Command.Result d = ok(cmd.run(LIMIT, "nfs-ls", "-D", "nfs://" + host));
        assertEquals(List.of("nfs://" + host + "/export"), d.out().lines().toList(), d.describe());

        String noPorts = "nfs://" + host + "/export";
        List<String> argv = List.of(nfsload, noPorts, "mkdir", "/pm");
        ok(cmd.run(LIMIT, Map.of(), argv));
        Path local = localFile("pm.bin", 70_000, 7);
        ok(cmd.run(LIMIT, "nfs-cp", local.toString(), noPorts + "/pm/pm.bin"));
        Map<String, Entry> listed = entries(ok(cmd.run(LIMIT, "nfs-ls", noPorts + "/pm")));
        assertEquals(Map.of("pm.bin", new Entry('-', 70_000, "pm.bin")), listed);
        assertArrayEquals(Files.readAllBytes(local), ok(cmd.run(LIMIT, "nfs-cat", noPorts + "/pm/pm.bin")).stdout());
    }

    @Test
    @Timeout(300)
    void peersSmokeScript() throws IOException {
        Path smoke = repo.resolveSibling("shared").resolve("tools/peers/smoke.sh");
        if (!Files.isRegularFile(smoke)) {
            String why = smoke + " is absent (the shared tools sit beside the repository in CI)";
            if (Boolean.getBoolean(SMOKE_REQUIRED)) fail(why + ", and " + SMOKE_REQUIRED + " is true");
            Assumptions.abort(why + "; set -D" + SMOKE_REQUIRED + "=true to make that a failure");
        }
        Path peers = Files.createDirectories(scratch.resolve("peers"));
        Command.Result r = cmd.run(Duration.ofSeconds(280), Map.of("PEERS", peers.toString()),
                List.of("bash", smoke.toString(), gateway.url()));
        assertTrue(r.lastLine().endsWith("38 passed, 0 failed"), r.describe());
        assertEquals(0, r.exit(), r.describe());
    }
}
