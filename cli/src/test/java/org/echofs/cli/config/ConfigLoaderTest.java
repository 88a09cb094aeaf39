package org.echofs.cli.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path file = tmp.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private List<String> problems(String yaml) throws IOException {
        Path file = write("gateway.yaml", yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(String.join(System.lineSeparator(), e.problems()), e.getMessage());
        return e.problems();
    }

    private String only(String yaml) throws IOException {
        List<String> p = problems(yaml);
        assertEquals(1, p.size(), p.toString());
        return p.get(0);
    }

    private String at(int line) {
        return tmp.resolve("gateway.yaml") + ":" + line + ": ";
    }

    @Test
    void emptyFileGivesEveryDefault() throws Exception {
        Path file = write("gateway.yaml", "");
        GatewayConfig c = ConfigLoader.load(file);
        assertEquals(GatewayConfig.defaults(file), c);
        assertEquals(tmp, c.dir());
        assertEquals("127.0.0.1", c.bind().getHostAddress());
        assertEquals(tmp.resolve("exports"), c.exports());
        assertEquals(2049, c.nfs().port());
        assertEquals(1 << 20, c.nfs().rtmax());
        assertEquals(1 << 20, c.nfs().wtmax());
        assertFalse(c.portmap().enabled());
        assertEquals(Optional.empty(), c.portmap().address());
        assertEquals(c.bind(), c.portmapAddress());
        assertEquals(111, c.portmap().port());
        assertEquals("127.0.0.1", c.metrics().bind().getHostAddress());
        assertEquals(0, c.metrics().port());
        assertTrue(c.metrics().jmx());
        assertEquals(16L << 30, c.storage().capacity());
        assertEquals(1_000_000L, c.storage().maxObjects());
        assertEquals((1 << 20) + (64 << 10), c.rpc().maxRecordSize());
        assertEquals(1024, c.rpc().maxConnections());
        assertEquals(OptionalLong.empty(), c.rpc().memoryBudget());
        assertEquals(16L << 20, c.rpc().connectionBudget());
        assertEquals(Duration.ofSeconds(30), c.rpc().writeStallTimeout());
    }

    @Test
    void commentOnlyFileGivesDefaults() throws Exception {
        Path file = write("gateway.yaml", "# nothing here\n");
        assertEquals(GatewayConfig.defaults(file), ConfigLoader.load(file));
    }

    @Test
    void readsEveryKey() throws Exception {
        Path file = write("etc/gateway.yaml", """
                dir: /srv/echofs
                bind: 0.0.0.0
                exports: /etc/echofs/exports
                nfs:
                  port: 3049
                  rtmax: 512KiB
                  wtmax: 256KiB
                portmap:
                  enabled: true
                  address: 127.0.0.77
                  port: 1111
                metrics:
                  bind: ::1
                  port: 9100
                  jmx: false
                storage:
                  capacity: 2TiB
                  max-objects: 50000
                  direct-write-min: 0
                  read-ahead: 0
                rpc:
                  max-record-size: 2MiB
                  max-connections: 10
                  memory-budget: 64MiB
                  connection-budget: 4MiB
                  write-stall-timeout: 45s
                """);
        GatewayConfig c = ConfigLoader.load(file);
        assertEquals(Path.of("/srv/echofs"), c.dir());
        assertEquals("0.0.0.0", c.bind().getHostAddress());
        assertEquals(Path.of("/etc/echofs/exports"), c.exports());
        assertEquals(new NfsOptions(3049, 512 << 10, 256 << 10), c.nfs());
        assertTrue(c.portmap().enabled());
        assertEquals("127.0.0.77", c.portmapAddress().getHostAddress());
        assertEquals(1111, c.portmap().port());
        assertEquals("0:0:0:0:0:0:0:1", c.metrics().bind().getHostAddress());
        assertEquals(9100, c.metrics().port());
        assertFalse(c.metrics().jmx());
        assertEquals(new StorageOptions(2L << 40, 50000, 0, 0), c.storage());
        assertEquals(new RpcOptions(2 << 20, 10, OptionalLong.of(64 << 20), 4 << 20, Duration.ofSeconds(45)), c.rpc());
        assertEquals(tmp.resolve("etc/gateway.yaml"), c.file());
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesDirectory() throws Exception {
        Path file = write("conf/sub/gateway.yaml", "dir: ../data\nexports: my-exports\n");
        GatewayConfig c = ConfigLoader.load(file);
        assertEquals(tmp.resolve("conf/data"), c.dir());
        assertEquals(tmp.resolve("conf/sub/my-exports"), c.exports());
    }

    @Test
    void relativeConfigPathIsShownAsGivenInErrors() throws Exception {
        write("gateway.yaml", "nfsport: 1\n");
        Path relative = Path.of("").toAbsolutePath().relativize(tmp.resolve("gateway.yaml"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(relative));
        assertTrue(e.getMessage().startsWith(relative + ":1: unknown key 'nfsport'"), e.getMessage());
    }

    @Test
    void quotedNumbersAndSizesAsBytesAreAccepted() throws Exception {
        Path file = write("gateway.yaml", "nfs:\n  port: \"2050\"\n  rtmax: 65536\nstorage:\n  capacity: \"1 GB\"\n");
        GatewayConfig c = ConfigLoader.load(file);
        assertEquals(2050, c.nfs().port());
        assertEquals(65536, c.nfs().rtmax());
        assertEquals(1_000_000_000L, c.storage().capacity());
    }

    @Test
    void unknownTopLevelKeyNamesFileLineAndTheKnownKeys() throws Exception {
        String p = only("bind: 127.0.0.1\nnfs:\n  port: 2049\n\n\n\nnfsport: 2049\n");
        assertEquals(at(7) + "unknown key 'nfsport' (expected one of: dir, bind, exports, nfs, portmap, metrics, "
                + "storage, rpc, jvm)", p);
    }

    @Test
    void unknownNestedKeyNamesItsSection() throws Exception {
        String p = only("nfs:\n  prot: 2049\n");
        assertEquals(at(2) + "unknown key 'prot' in 'nfs' (expected one of: port, rtmax, wtmax)", p);
    }

    @Test
    void wrongTypes() throws Exception {
        assertEquals(at(2) + "nfs.port must be a whole number, not 'two'", only("nfs:\n  port: two\n"));
        assertEquals(at(1) + "nfs must be a mapping of keys to values, not an integer", only("nfs: 2049\n"));
        assertEquals(at(2) + "metrics.jmx must be true or false, not 'maybe'", only("metrics:\n  jmx: maybe\n"));
        assertEquals(at(1) + "bind must be a single value, not a list", only("bind: [127.0.0.1]\n"));
        assertEquals(at(1) + "dir must be text, not an integer", only("dir: 5\n"));
        assertEquals(at(1) + "bind has no value (leave the key out to get the default)", only("bind:\n"));
        assertEquals(at(2) + "nfs.port has no value (leave the key out to get the default)", only("nfs:\n  port: ''\n"));
        assertEquals(at(2) + "nfs.port must be a whole number, not '20.5'", only("nfs:\n  port: 20.5\n"));
    }

    @Test
    void badValues() throws Exception {
        assertEquals(at(2) + "nfs.port: 70000 is out of range (0 to 65535)", only("nfs:\n  port: 70000\n"));
        assertEquals(at(1) + "bind: 'localhost' is not an IP address (write a literal such as 127.0.0.1 or ::1)",
                only("bind: localhost\n"));
        assertEquals(at(2) + "rpc.max-connections: 0 is out of range (1 to 65536)",
                only("rpc:\n  max-connections: 0\n"));
        assertEquals(at(2) + "storage.max-objects: 3 is out of range (16 to 9223372036854775807)",
                only("storage:\n  max-objects: 3\n"));
        assertEquals(at(2) + "storage.direct-write-min: 2097152 is out of range (0B to 1MiB)",
                only("storage:\n  direct-write-min: 2MiB\n"));
        assertEquals(at(2) + "storage.read-ahead: 134217728 is out of range (0B to 64MiB)",
                only("storage:\n  read-ahead: 128MiB\n"));
    }

    @Test
    void badSizesAndUnits() throws Exception {
        String unit = only("storage:\n  capacity: 16G\n");
        assertTrue(unit.startsWith(at(2) + "storage.capacity: '16G' has an unknown unit 'G' (use B, KiB"), unit);
        assertEquals(at(2) + "nfs.wtmax: 1024 is out of range (4KiB to 16MiB)", only("nfs:\n  wtmax: 1KiB\n"));
        String notSize = only("nfs:\n  rtmax: big\n");
        assertTrue(notSize.startsWith(at(2) + "nfs.rtmax: 'big' is not a size"), notSize);
    }

    @Test
    void memoryBudgetsAndWriteStallTimeout() throws Exception {
        // Without connection-budget, it grows with the record size.
        GatewayConfig big = ConfigLoader.load(write("gateway.yaml", "rpc:\n  max-record-size: 32MiB\n"));
        assertEquals(64L << 20, big.rpc().connectionBudget());
        assertEquals(at(3) + "rpc.connection-budget: 1MiB is below rpc.max-record-size 1088KiB (one connection "
                + "must be able to hold a whole record)", only("rpc:\n  max-record-size: 1088KiB\n  connection-budget: 1MiB\n"));
        assertEquals(at(2) + "rpc.memory-budget: 2MiB is below twice rpc.max-record-size 1088KiB (needs at least "
                + "2176KiB)", only("rpc:\n  memory-budget: 2MiB\n"));
        assertEquals(at(2) + "rpc.memory-budget: 1000 is out of range (1MiB to 1TiB)", only("rpc:\n  memory-budget: 1000\n"));
        assertEquals(at(2) + "rpc.write-stall-timeout: 500ms is out of range (1s to 1h)",
                only("rpc:\n  write-stall-timeout: 500ms\n"));
        String bare = only("rpc:\n  write-stall-timeout: 30\n");
        assertTrue(bare.startsWith(at(2) + "rpc.write-stall-timeout: '30' is not a duration"), bare);
        String unit = only("rpc:\n  write-stall-timeout: 3 weeks\n");
        assertTrue(unit.startsWith(at(2) + "rpc.write-stall-timeout: '3 weeks' has an unknown unit 'weeks'"), unit);
        assertEquals(at(2) + "rpc.memory-budget has no value (leave the key out to get the default)",
                only("rpc:\n  memory-budget:\n"));
    }

    @Test
    void recordSizeMustLeaveRoomForTheLargestWrite() throws Exception {
        String p = only("nfs:\n  wtmax: 4MiB\nrpc:\n  max-record-size: 2MiB\n");
        assertEquals(at(4) + "rpc.max-record-size: 2MiB leaves no room for a WRITE of nfs.wtmax 4MiB "
                + "(needs at least 4100KiB)", p);
    }

    @Test
    void reportsEveryProblemAtOnceInLineOrder() throws Exception {
        List<String> p = problems("""
                bogus: 1
                nfs:
                  port: -1
                  rtmax: 3XB
                metrics:
                  jmx: 1
                """);
        assertEquals(4, p.size(), p.toString());
        assertTrue(p.get(0).startsWith(at(1) + "unknown key 'bogus'"), p.get(0));
        assertTrue(p.get(1).startsWith(at(3) + "nfs.port: -1 is out of range"), p.get(1));
        assertTrue(p.get(2).startsWith(at(4) + "nfs.rtmax: '3XB' has an unknown unit"), p.get(2));
        assertTrue(p.get(3).startsWith(at(6) + "metrics.jmx must be true or false"), p.get(3));
    }

    @Test
    void duplicateKeys() throws Exception {
        assertEquals(at(3) + "duplicate key 'bind' (first at line 1)", only("bind: 127.0.0.1\ndir: .\nbind: 127.0.0.2\n"));
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() throws Exception {
        String p = only("nfs:\n  port: 2049\n bad: [\n");
        assertTrue(p.startsWith(tmp.resolve("gateway.yaml") + ":"), p);
        assertTrue(p.contains("YAML syntax error"), p);
        assertTrue(p.matches(".*gateway\\.yaml:[34]: .*"), p);
    }

    @Test
    void rootMustBeAMapping() throws Exception {
        assertEquals(at(1) + "the configuration must be a mapping of keys to values, not a list", only("- a\n- b\n"));
        assertEquals(at(1) + "the configuration must be a mapping of keys to values, not text", only("hello\n"));
    }

    @Test
    void onlyOneDocument() throws Exception {
        String p = only("bind: 127.0.0.1\n---\nbind: 127.0.0.2\n");
        assertTrue(p.contains("only one YAML document"), p);
    }

    @Test
    void missingAndUnreadableFiles() throws Exception {
        Path missing = tmp.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(missing + ": no such configuration file", e.getMessage());
        Path binary = tmp.resolve("bin.yaml");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41});
        ConfigException b = assertThrows(ConfigException.class, () -> ConfigLoader.load(binary));
        assertEquals(binary + ": not UTF-8 text", b.getMessage());
    }

    @Test
    void renderedConfigurationReadsBackTheSame() throws Exception {
        Path file = write("gateway.yaml", """
                dir: data
                bind: "::1"
                exports: /etc/exports.echofs
                nfs: {port: 0, rtmax: 64KiB, wtmax: 1000000}
                portmap: {enabled: true, address: 127.0.0.9, port: 0}
                metrics: {port: 9999, jmx: false}
                storage: {capacity: 1GB, max-objects: 99, direct-write-min: 64KiB, read-ahead: 2MiB}
                rpc: {max-record-size: 8MiB, max-connections: 3, memory-budget: 1GiB, write-stall-timeout: 2min}
                jvm: {max-heap: 768MiB}
                """);
        GatewayConfig c = ConfigLoader.load(file);
        assertEquals(768 * ByteSize.MIB, c.jvm().maxHeap());
        Path again = write("again/gateway.yaml", ConfigWriter.render(c));
        GatewayConfig reread = ConfigLoader.load(again);
        assertEquals(c, new GatewayConfig(c.file(), reread.dir().equals(tmp.resolve("again/data")) ? c.dir() : reread.dir(),
                reread.bind(), reread.exports(), reread.nfs(), reread.portmap(), reread.metrics(), reread.storage(),
                reread.rpc(), reread.jvm()));
        assertEquals(tmp.resolve("again/data"), reread.dir());

        GatewayConfig defaults = GatewayConfig.defaults(tmp.resolve("d/gateway.yaml"));
        Path written = write("d/gateway.yaml", ConfigWriter.render(defaults));
        assertEquals(defaults, ConfigLoader.load(written));
    }

    @Test
    void renderedDefaultsKeepRelativePaths() {
        String yaml = ConfigWriter.render(GatewayConfig.defaults(tmp.resolve("gateway.yaml")));
        assertTrue(yaml.contains("\ndir: .  "), yaml);
        assertTrue(yaml.contains("\nexports: exports  "), yaml);
        assertTrue(yaml.contains("\nbind: 127.0.0.1  "), yaml);
        assertTrue(yaml.contains("  # address: 127.0.0.1"), yaml);
    }

    @Test
    void theShippedExampleHoldsEveryDefault() throws Exception {
        Path example = Path.of(System.getProperty("user.dir")).resolve("../conf/gateway.example.yaml").normalize();
        assertTrue(Files.exists(example), example.toString());
        GatewayConfig c = ConfigLoader.load(example);
        assertEquals(GatewayConfig.defaults(example), c);
        String text = Files.readString(example);
        for (String key : List.of("dir:", "bind:", "exports:", "port:", "rtmax:", "wtmax:", "enabled:", "# address:",
                "jmx:", "capacity:", "max-objects:", "direct-write-min:", "read-ahead:", "max-record-size:", "max-connections:", "# memory-budget:",
                "connection-budget:", "write-stall-timeout:")) {
            assertTrue(text.contains(key), key);
        }
    }

    @Test
    void overridesReplaceOnlyWhatTheyName() throws Exception {
        Path file = write("gateway.yaml", "nfs:\n  port: 3000\nportmap:\n  port: 4000\n");
        GatewayConfig base = ConfigLoader.load(file);
        assertEquals(base, ConfigOverrides.NONE.applyTo(base));
        ConfigOverrides o = new ConfigOverrides(Addresses.parse("127.0.0.3"), 0, true, null, 9000,
                tmp.resolve("x/exports"));
        GatewayConfig c = o.applyTo(base);
        assertEquals("127.0.0.3", c.bind().getHostAddress());
        assertEquals("127.0.0.3", c.portmapAddress().getHostAddress());
        assertEquals(0, c.nfs().port());
        assertTrue(c.portmap().enabled());
        assertEquals(4000, c.portmap().port());
        assertEquals(9000, c.metrics().port());
        assertEquals(tmp.resolve("x/exports"), c.exports());
        assertEquals(base.storage(), c.storage());
        assertEquals(List.of("--bind=127.0.0.3", "--nfs-port=0", "--portmap", "--metrics-port=9000",
                "--exports=" + tmp.resolve("x/exports")), o.toArgs());
        assertTrue(ConfigOverrides.NONE.isEmpty());
        assertFalse(o.isEmpty());
    }
}
