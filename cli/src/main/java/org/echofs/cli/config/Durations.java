package org.echofs.cli.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written with a unit, as in {@code 30s}, {@code 500ms}, {@code 2 min} or {@code 1h}.
 * Units are case-insensitive; a bare number is refused (seconds or milliseconds would be a guess).
 * Stateless.
 */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+)\\s*([A-Za-z]+)\\s*");
    private static final Map<String, Duration> UNITS = Map.of(
            "ms", Duration.ofMillis(1),
            "s", Duration.ofSeconds(1),
            "m", Duration.ofMinutes(1), "min", Duration.ofMinutes(1),
            "h", Duration.ofHours(1));
    private static final String UNIT_LIST = "ms, s, min (or m), h";

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException with a message fit for the user when the text is not a
     *                                  whole number with a known unit, or is too large
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (a whole number with a unit: "
                    + UNIT_LIST + ")");
        }
        Duration unit = UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
        if (unit == null) {
            throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + m.group(2) + "' (use "
                    + UNIT_LIST + ")");
        }
        try {
            return unit.multipliedBy(Long.parseLong(m.group(1)));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** The shortest exact form: 30 s → {@code 30s}, 90 s → {@code 90s}, 2 min → {@code 2min}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("not a whole number of milliseconds: " + d);
        }
        if (d.getNano() != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "min";
        }
        return s + "s";
    }
}
