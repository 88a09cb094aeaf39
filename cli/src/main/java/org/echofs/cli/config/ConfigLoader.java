package org.echofs.cli.config;

import org.echofs.cli.config.YamlTree.MapNode;
import org.echofs.cli.config.YamlTree.Node;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads {@code gateway.yaml} into a {@link GatewayConfig}, validating everything at once: unknown
 * keys, wrong types, values out of range, unknown size units and syntax errors each become one
 * problem line naming the file and line, and all of them are reported together in one
 * {@link ConfigException}. Absent keys take their defaults; relative paths resolve against the
 * configuration file's directory. Stateless and thread-safe.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** Reads and validates {@code file} (shown in messages as given). */
    public static GatewayConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw ConfigException.at(file, 0, "no such configuration file");
        } catch (CharacterCodingException e) {
            throw ConfigException.at(file, 0, "not UTF-8 text");
        } catch (IOException e) {
            throw ConfigException.at(file, 0, "cannot read: " + e);
        }
        return parse(text, file);
    }

    /** Validates {@code yaml} as if it were the content of {@code file}. */
    public static GatewayConfig parse(String yaml, Path file) throws ConfigException {
        Node root = YamlTree.read(yaml, file);
        if (!(root instanceof MapNode map)) {
            throw ConfigException.at(file, root.line(), "the configuration must be a mapping of keys to values, not "
                    + root.kind());
        }
        List<Section.Problem> problems = new ArrayList<>();
        Path abs = file.toAbsolutePath().normalize();
        Path base = abs.getParent();
        Section top = new Section(file, "", map, problems);

        Path dir = top.path("dir", GatewayConfig.DEFAULT_DIR, base);
        InetAddress bind = top.address("bind", Addresses.parse(GatewayConfig.DEFAULT_BIND));
        Path exports = top.path("exports", GatewayConfig.DEFAULT_EXPORTS, base);

        Section nfsSection = top.section("nfs");
        NfsOptions nfs = new NfsOptions(
                nfsSection.port("port", NfsOptions.DEFAULT_PORT),
                nfsSection.size("rtmax", NfsOptions.DEFAULT_RTMAX, NfsOptions.MIN_TRANSFER, NfsOptions.MAX_TRANSFER),
                nfsSection.size("wtmax", NfsOptions.DEFAULT_WTMAX, NfsOptions.MIN_TRANSFER, NfsOptions.MAX_TRANSFER));

        Section pm = top.section("portmap");
        boolean pmEnabled = pm.bool("enabled", PortmapOptions.DEFAULT_ENABLED);
        Optional<InetAddress> pmAddress = pm.address("address");
        PortmapOptions portmap = new PortmapOptions(pmEnabled, pmAddress, pm.port("port", PortmapOptions.DEFAULT_PORT));

        Section m = top.section("metrics");
        MetricsOptions metrics = new MetricsOptions(
                m.address("bind", Addresses.parse(MetricsOptions.DEFAULT_BIND)),
                m.port("port", MetricsOptions.DEFAULT_PORT),
                m.bool("jmx", MetricsOptions.DEFAULT_JMX));

        Section s = top.section("storage");
        StorageOptions storage = new StorageOptions(
                s.size("capacity", StorageOptions.DEFAULT_CAPACITY, StorageOptions.MIN_CAPACITY, Long.MAX_VALUE),
                s.integer("max-objects", StorageOptions.DEFAULT_MAX_OBJECTS, StorageOptions.MIN_OBJECTS, Long.MAX_VALUE),
                (int) s.size("direct-write-min", StorageOptions.DEFAULT_DIRECT_WRITE_MIN, 0,
                        StorageOptions.MAX_DIRECT_WRITE_MIN),
                (int) s.size("read-ahead", StorageOptions.DEFAULT_READ_AHEAD, 0, StorageOptions.MAX_READ_AHEAD));

        Section r = top.section("rpc");
        long maxRecord = r.size("max-record-size", RpcOptions.DEFAULT_MAX_RECORD_SIZE,
                NfsOptions.MIN_TRANSFER + RpcOptions.HEADER_ROOM, RpcOptions.MAX_RECORD_SIZE_LIMIT);
        int maxConnections = (int) r.integer("max-connections", RpcOptions.DEFAULT_MAX_CONNECTIONS, 1,
                RpcOptions.MAX_CONNECTIONS_LIMIT);
        OptionalLong memoryBudget = r.size("memory-budget", ByteSize.MIB, RpcOptions.BUDGET_LIMIT);
        long connectionBudget = r.size("connection-budget", RpcOptions.defaultConnectionBudget(maxRecord),
                ByteSize.MIB, RpcOptions.BUDGET_LIMIT);
        Duration writeStall = r.duration("write-stall-timeout", RpcOptions.DEFAULT_WRITE_STALL_TIMEOUT,
                RpcOptions.MIN_WRITE_STALL_TIMEOUT, RpcOptions.MAX_WRITE_STALL_TIMEOUT);
        RpcOptions rpc = new RpcOptions(maxRecord, maxConnections, memoryBudget, connectionBudget, writeStall);
        if (rpc.maxRecordSize() < nfs.wtmax() + RpcOptions.HEADER_ROOM) {
            r.invalid("max-record-size", ByteSize.format(rpc.maxRecordSize()) + " leaves no room for a WRITE of nfs.wtmax "
                    + ByteSize.format(nfs.wtmax()) + " (needs at least " + ByteSize.format(nfs.wtmax() + RpcOptions.HEADER_ROOM) + ")");
        }
        if (rpc.connectionBudget() < rpc.maxRecordSize()) {
            r.invalid("connection-budget", ByteSize.format(rpc.connectionBudget()) + " is below rpc.max-record-size "
                    + ByteSize.format(rpc.maxRecordSize()) + " (one connection must be able to hold a whole record)");
        }
        if (memoryBudget.isPresent() && memoryBudget.getAsLong() < 2 * rpc.maxRecordSize()) {
            r.invalid("memory-budget", ByteSize.format(memoryBudget.getAsLong()) + " is below twice rpc.max-record-size "
                    + ByteSize.format(rpc.maxRecordSize()) + " (needs at least "
                    + ByteSize.format(2 * rpc.maxRecordSize()) + ")");
        }

        Section j = top.section("jvm");
        JvmOptions jvm = new JvmOptions(j.size("max-heap", JvmOptions.DEFAULT_MAX_HEAP, JvmOptions.MIN_MAX_HEAP,
                JvmOptions.MAX_MAX_HEAP));

        top.rejectUnknown();
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(Section.Problem::line));
            throw new ConfigException(problems.stream().map(Section.Problem::text).toList());
        }
        return new GatewayConfig(abs, dir, bind, exports, nfs, portmap, metrics, storage, rpc, jvm);
    }
}
