package org.echofs.cli.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section {@code jvm}: how {@code echofs up} starts the gateway's JVM (the {@code gateway}
 * command itself runs in a JVM already started, so it ignores this section).
 *
 * @param maxHeap the JVM's maximum heap ({@code -Xmx}). Without a limit the JVM takes a quarter
 *                of the machine's memory and grows into it, since the collector has no reason to
 *                reclaim sooner; the gateway needs far less (its RPC buffers are direct memory,
 *                bounded by rpc.memory-budget). Key {@code max-heap}; {@code echofs up --heap}
 */
public record JvmOptions(long maxHeap) {

    public static final long DEFAULT_MAX_HEAP = 512 * ByteSize.MIB;
    public static final long MIN_MAX_HEAP = 64 * ByteSize.MIB;
    public static final long MAX_MAX_HEAP = ByteSize.TIB;

    public static final JvmOptions DEFAULTS = new JvmOptions(DEFAULT_MAX_HEAP);

    private static final Pattern JVM_STYLE = Pattern.compile("\\s*(\\d+)\\s*([kKmMgGtT])\\s*");

    public JvmOptions {
        if (maxHeap < MIN_MAX_HEAP || maxHeap > MAX_MAX_HEAP) {
            throw new IllegalArgumentException(heapRangeProblem(maxHeap));
        }
    }

    /** The JVM flag for {@link #maxHeap()}: {@code -Xmx512m}, or in KiB (rounded up) when not whole MiB. */
    public String xmx() {
        return xmx(maxHeap);
    }

    /** {@code -Xmx} for {@code bytes}: whole MiB as {@code m}, else KiB rounded up as {@code k}. */
    public static String xmx(long bytes) {
        if (bytes % ByteSize.MIB == 0) {
            return "-Xmx" + bytes / ByteSize.MIB + "m";
        }
        return "-Xmx" + (bytes + ByteSize.KIB - 1) / ByteSize.KIB + "k";
    }

    /**
     * Parses a heap size given on the command line: a size as in the configuration file
     * ({@code 512MiB}, {@code 1GiB}, {@code 2GB}) or as the JVM writes it ({@code 512m}, {@code 1g}:
     * powers of 1024), within [{@value #MIN_MAX_HEAP} bytes, 1 TiB].
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static long parseHeap(String text) {
        long bytes;
        Matcher m = JVM_STYLE.matcher(text);
        if (m.matches()) {
            long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> ByteSize.KIB;
                case "m" -> ByteSize.MIB;
                case "g" -> ByteSize.GIB;
                default -> ByteSize.TIB;
            };
            try {
                bytes = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is too large");
            }
        } else {
            bytes = ByteSize.parse(text);
        }
        if (bytes < MIN_MAX_HEAP || bytes > MAX_MAX_HEAP) {
            throw new IllegalArgumentException(heapRangeProblem(bytes));
        }
        return bytes;
    }

    private static String heapRangeProblem(long bytes) {
        return "a maximum heap of " + ByteSize.format(bytes) + " is outside " + ByteSize.format(MIN_MAX_HEAP) + " to "
                + ByteSize.format(MAX_MAX_HEAP);
    }
}
