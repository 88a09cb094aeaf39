package org.echofs.cli.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes written with units, as in {@code 16GiB}, {@code 512 KiB}, {@code 1MB} or a bare byte
 * count. Binary units (KiB, MiB, GiB, TiB) are powers of 1024, decimal ones (KB, MB, GB, TB)
 * powers of 1000; units are case-insensitive. Stateless.
 */
public final class ByteSize {

    public static final long KIB = 1024L;
    public static final long MIB = 1024L * KIB;
    public static final long GIB = 1024L * MIB;
    public static final long TIB = 1024L * GIB;

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+)\\s*([A-Za-z]*)\\s*");
    private static final Map<String, Long> UNITS = Map.of(
            "", 1L, "b", 1L,
            "kib", KIB, "mib", MIB, "gib", GIB, "tib", TIB,
            "kb", 1000L, "mb", 1000_000L, "gb", 1000_000_000L, "tb", 1000_000_000_000L);
    private static final String UNIT_LIST = "B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)";

    private ByteSize() {
    }

    /**
     * Parses a size.
     *
     * @throws IllegalArgumentException with a message fit for the user when the text is not a
     *                                  whole number with a known unit, or does not fit 63 bits
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (a whole number with a unit: " + UNIT_LIST + ")");
        }
        Long unit = UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
        if (unit == null) {
            throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + m.group(2) + "' (use " + UNIT_LIST + ")");
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** The shortest exact form: {@code 1048576} → {@code 1MiB}, {@code 1000} → {@code 1000B}. */
    public static String format(long bytes) {
        long[] units = {TIB, GIB, MIB, KIB};
        String[] names = {"TiB", "GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % units[i] == 0) {
                return bytes / units[i] + names[i];
            }
        }
        return bytes + "B";
    }
}
