package org.echofs.cli.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Renders a {@link GatewayConfig} as commented YAML that {@link ConfigLoader} reads back to the
 * same configuration: used to write a data directory's first {@code gateway.yaml} and by
 * {@code echofs gateway --print-config}. Paths inside the configuration file's directory are
 * written relative to it, so the directory can be moved. Stateless.
 */
public final class ConfigWriter {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./-]*");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|\\.(inf|nan)");

    private ConfigWriter() {
    }

    public static String render(GatewayConfig c) {
        Path base = c.file().getParent();
        StringBuilder y = new StringBuilder();
        y.append("# echofs standalone gateway. Every key is optional; the comment gives its default.\n");
        y.append("# Relative paths resolve against the directory of this file.\n");
        line(y, 0, "dir", path(c.dir(), base), "data directory: cluster.secret, volume/, logs/, run/ (default .)");
        line(y, 0, "bind", address(c.bind()), "address NFS and MOUNT listen on (default " + GatewayConfig.DEFAULT_BIND + ")");
        line(y, 0, "exports", path(c.exports(), base), "exports(5)-style file (default " + GatewayConfig.DEFAULT_EXPORTS + ")");
        y.append("nfs:\n");
        line(y, 1, "port", Integer.toString(c.nfs().port()), "TCP port of NFS v3 and MOUNT v3; 0 = ephemeral (default "
                + NfsOptions.DEFAULT_PORT + ")");
        line(y, 1, "rtmax", ByteSize.format(c.nfs().rtmax()), "largest READ offered to clients (default "
                + ByteSize.format(NfsOptions.DEFAULT_RTMAX) + ")");
        line(y, 1, "wtmax", ByteSize.format(c.nfs().wtmax()), "largest WRITE accepted (default "
                + ByteSize.format(NfsOptions.DEFAULT_WTMAX) + ")");
        y.append("portmap:\n");
        line(y, 1, "enabled", Boolean.toString(c.portmap().enabled()), "embedded portmapper v2 (default "
                + PortmapOptions.DEFAULT_ENABLED + "; port 111 needs root and clashes with a system rpcbind)");
        if (c.portmap().address().isPresent()) {
            line(y, 1, "address", address(c.portmap().address().get()), "default: the value of bind");
        } else {
            line(y, 1, "# address", address(c.bind()), "default: the value of bind");
        }
        line(y, 1, "port", Integer.toString(c.portmap().port()), "default " + PortmapOptions.DEFAULT_PORT);
        y.append("metrics:\n");
        line(y, 1, "bind", address(c.metrics().bind()), "address of the Prometheus endpoint (default "
                + MetricsOptions.DEFAULT_BIND + ")");
        line(y, 1, "port", Integer.toString(c.metrics().port()), "0 = ephemeral, see run/gateway.json (default "
                + MetricsOptions.DEFAULT_PORT + ")");
        line(y, 1, "jmx", Boolean.toString(c.metrics().jmx()), "MBeans in the 'echofs' JMX domain (default "
                + MetricsOptions.DEFAULT_JMX + ")");
        y.append("storage:\n");
        line(y, 1, "capacity", ByteSize.format(c.storage().capacity()), "file data the volume may hold (default "
                + ByteSize.format(StorageOptions.DEFAULT_CAPACITY) + ")");
        line(y, 1, "max-objects", Long.toString(c.storage().maxObjects()), "files, directories, ... (default "
                + StorageOptions.DEFAULT_MAX_OBJECTS + ")");
        line(y, 1, "direct-write-min", ByteSize.format(c.storage().directWriteMin()),
                "writes this large, 4KiB-aligned, bypass the page cache; 0 = never (default "
                + ByteSize.format(StorageOptions.DEFAULT_DIRECT_WRITE_MIN) + ")");
        line(y, 1, "read-ahead", ByteSize.format(c.storage().readAhead()),
                "read this far ahead of a sequential reader; 0 = never (default "
                + ByteSize.format(StorageOptions.DEFAULT_READ_AHEAD) + ")");
        y.append("rpc:\n");
        line(y, 1, "max-record-size", ByteSize.format(c.rpc().maxRecordSize()), "largest RPC record accepted (default "
                + ByteSize.format(RpcOptions.DEFAULT_MAX_RECORD_SIZE) + ")");
        line(y, 1, "max-connections", Integer.toString(c.rpc().maxConnections()), "client connections at once (default "
                + RpcOptions.DEFAULT_MAX_CONNECTIONS + ")");
        String budgetDefault = "default: half of the JVM's direct memory, 16MiB to 1GiB";
        if (c.rpc().memoryBudget().isPresent()) {
            line(y, 1, "memory-budget", ByteSize.format(c.rpc().memoryBudget().getAsLong()), budgetDefault);
        } else {
            line(y, 1, "# memory-budget", "128MiB", budgetDefault);
        }
        line(y, 1, "connection-budget", ByteSize.format(c.rpc().connectionBudget()), "the same per connection (default "
                + ByteSize.format(RpcOptions.DEFAULT_CONNECTION_BUDGET) + " or 2 x max-record-size)");
        line(y, 1, "write-stall-timeout", Durations.format(c.rpc().writeStallTimeout()),
                "close a client that takes no reply for this long (default "
                        + Durations.format(RpcOptions.DEFAULT_WRITE_STALL_TIMEOUT) + ")");
        y.append("jvm:\n");
        line(y, 1, "max-heap", ByteSize.format(c.jvm().maxHeap()), "maximum heap of the JVM 'echofs up' starts "
                + "(-Xmx; default " + ByteSize.format(JvmOptions.DEFAULT_MAX_HEAP) + ")");
        return y.toString();
    }

    private static void line(StringBuilder y, int indent, String key, String value, String comment) {
        String entry = "  ".repeat(indent) + key + ": " + value;
        y.append(entry).append(" ".repeat(Math.max(1, 30 - entry.length()))).append("# ").append(comment).append('\n');
    }

    private static String path(Path p, Path base) {
        String text;
        if (p.equals(base)) {
            text = ".";
        } else if (p.startsWith(base)) {
            text = base.relativize(p).toString();
        } else {
            text = p.toString();
        }
        return scalar(text);
    }

    private static String address(InetAddress a) {
        return scalar(Addresses.literal(a));
    }

    /** A YAML scalar for {@code text}: plain when safe, else double-quoted with JSON escapes. */
    static String scalar(String text) {
        if (PLAIN.matcher(text).matches() && !isYamlWord(text)) {
            return text;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        q.append(String.format("\\u%04x", (int) ch));
                    } else {
                        q.append(ch);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    private static boolean isYamlWord(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~" -> true;
            default -> NUMBER.matcher(text).matches();
        };
    }
}
