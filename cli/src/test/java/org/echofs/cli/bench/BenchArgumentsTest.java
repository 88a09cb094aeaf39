package org.echofs.cli.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code echofs bench} does with its arguments before (and instead of) measuring anything. */
class BenchArgumentsTest {

    private static final String URL = "nfs://127.0.0.1/export?nfsport=2049&mountport=2049&version=3";

    @TempDir
    Path tmp;

    private BenchCli run(String... args) {
        return BenchCli.run(tmp, args);
    }

    private void usage(String expected, String... args) {
        BenchCli r = run(args);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in " + r);
    }

    @Test
    void helpListsTheWorkloadsAndTheUrlForm() {
        BenchCli r = run("bench", "--help");
        assertEquals(0, r.exit(), r.toString());
        for (String w : WorkloadKind.ids()) assertTrue(r.out().contains(w), w + " in " + r.out());
        assertTrue(r.out().contains("nfsport=N&mountport=M"), r.out());
        assertTrue(r.out().contains("--connections"), r.out());
        assertTrue(r.out().contains("--depth"), r.out());
        assertTrue(r.out().contains("--duration"), r.out());
        assertTrue(r.out().contains("--ops"), r.out());
        assertTrue(r.out().contains("--json"), r.out());
        BenchCli top = run("--help");
        assertTrue(top.out().contains("bench"), top.toString());
    }

    @Test
    void aTargetIsRequired() {
        usage("Missing required parameter", "bench");
    }

    @Test
    void badUrlsAreUsageErrors() {
        usage("give both nfsport= and mountport=", "bench", "nfs://127.0.0.1/export?nfsport=2049");
        usage("not an nfs:// URL", "bench", "127.0.0.1:/export");
        usage("only NFS version 3", "bench", "nfs://h/e?nfsport=1&mountport=1&version=4");
    }

    @Test
    void badWorkloadsAndNumbersAreUsageErrors() {
        usage("unknown workload 'getatr'", "bench", "-w", "getatr", URL);
        usage("--depth must be 1 to 4096", "bench", "--depth", "0", URL);
        usage("--connections must be 1 to 1024", "bench", "-c", "0", URL);
        usage("--rounds must be at least 1", "bench", "--rounds", "0", URL);
        usage("--warmup-round must be positive", "bench", "--warmup-round", "0", URL);
        usage("not a duration", "bench", "--duration", "ten", URL);
        usage("--duration must be positive", "bench", "--duration", "0", URL);
        usage("not a size", "bench", "--seq-size", "big", URL);
        usage("--seq-size must be at least --seq-block", "bench", "--seq-size", "1KiB", URL);
        usage("--ops must not be negative", "bench", "--ops", "-5", URL);
        usage("Unknown option", "bench", "--frobnicate", URL);
    }

    @Test
    void targetNamesMustBeDistinctAndWatchesMustNameATarget() {
        usage("given twice", "bench", "a=" + URL, "a=" + URL);
        usage("no target is named 'b'", "bench", "--watch-pid", "b=12", "a=" + URL);
        usage("is not a process id", "bench", "--watch-pid", "a=x", "a=" + URL);
        usage("not an http:// URL", "bench", "--watch-metrics", "a=ftp://h/m", "a=" + URL);
        usage("target name", "bench", "bad name!=" + URL);
    }

    @Test
    void anUnreachableServerFailsWithStatus1AndSaysWhere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        BenchCli r = run("bench", "--progress", "0", "nfs://127.0.0.1/export?nfsport=" + port + "&mountport=" + port);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("cannot connect to MOUNT at 127.0.0.1:" + port), r.toString());
    }
}
