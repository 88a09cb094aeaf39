package org.echofs.cli.config;

import com.fasterxml.jackson.core.JsonToken;
import org.echofs.cli.config.YamlTree.Entry;
import org.echofs.cli.config.YamlTree.MapNode;
import org.echofs.cli.config.YamlTree.Node;
import org.echofs.cli.config.YamlTree.ScalarNode;

import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads typed values out of one mapping of the configuration, recording a problem (with file and
 * line) for each bad value and falling back to the default so that reading can go on and report
 * every problem at once. The keys asked for are the known keys; {@link #rejectUnknown()} reports
 * the others.
 */
final class Section {

    /** One problem found, with its line for sorting. */
    record Problem(int line, String text) {
    }

    private final Path file;
    private final String name;
    private final Map<String, Entry> entries;
    private final int line;
    private final List<Problem> problems;
    private final Map<String, Boolean> known = new LinkedHashMap<>();
    private final List<Section> children = new ArrayList<>();

    Section(Path file, String name, MapNode node, List<Problem> problems) {
        this.file = file;
        this.name = name;
        this.entries = node.entries();
        this.line = node.line();
        this.problems = problems;
    }

    private String qualified(String key) {
        return name.isEmpty() ? key : name + "." + key;
    }

    private void problem(int at, String message) {
        problems.add(new Problem(at, ConfigException.where(file, at) + message));
    }

    /** The line of {@code key}, or of this section when the key is absent. */
    int lineOf(String key) {
        Entry e = entries.get(key);
        return e == null ? line : e.line();
    }

    private Optional<ScalarNode> scalar(String key) {
        known.put(key, Boolean.TRUE);
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (e.value() instanceof ScalarNode s) {
            if (s.token() == JsonToken.VALUE_NULL || s.text().isEmpty()) {
                problem(e.line(), qualified(key) + " has no value (leave the key out to get the default)");
                return Optional.empty();
            }
            return Optional.of(s);
        }
        problem(e.line(), qualified(key) + " must be a single value, not " + e.value().kind());
        return Optional.empty();
    }

    /** The sub-mapping {@code key}; an empty one when absent (or not a mapping: a problem). */
    Section section(String key) {
        known.put(key, Boolean.TRUE);
        Entry e = entries.get(key);
        MapNode node;
        if (e == null) {
            node = new MapNode(line, Map.of());
        } else if (e.value() instanceof MapNode m) {
            node = m;
        } else {
            problem(e.line(), qualified(key) + " must be a mapping of keys to values, not " + e.value().kind());
            node = new MapNode(e.line(), Map.of());
        }
        Section child = new Section(file, qualified(key), node, problems);
        children.add(child);
        return child;
    }

    String string(String key, String defaultValue) {
        Optional<ScalarNode> s = scalar(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        if (s.get().token() != JsonToken.VALUE_STRING) {
            problem(s.get().line(), qualified(key) + " must be text, not " + s.get().kind());
            return defaultValue;
        }
        return s.get().text();
    }

    /** A path; relative ones resolve against {@code base}. */
    Path path(String key, String defaultValue, Path base) {
        String text = string(key, defaultValue);
        try {
            if (text.isBlank()) {
                throw new InvalidPathException(text, "empty");
            }
            return base.resolve(text).normalize();
        } catch (InvalidPathException e) {
            problem(lineOf(key), qualified(key) + ": '" + text + "' is not a path");
            return base.resolve(defaultValue).normalize();
        }
    }

    boolean bool(String key, boolean defaultValue) {
        Optional<ScalarNode> s = scalar(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        return switch (s.get().token()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> {
                problem(s.get().line(), qualified(key) + " must be true or false, not '" + s.get().text() + "'");
                yield defaultValue;
            }
        };
    }

    long integer(String key, long defaultValue, long min, long max) {
        Optional<ScalarNode> s = scalar(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(s.get().text().trim());
        } catch (NumberFormatException e) {
            problem(s.get().line(), qualified(key) + " must be a whole number, not '" + s.get().text() + "'");
            return defaultValue;
        }
        return inRange(key, s.get().line(), value, min, max, Long.toString(min), Long.toString(max), defaultValue);
    }

    int port(String key, int defaultValue) {
        return (int) integer(key, defaultValue, 0, 65535);
    }

    long size(String key, long defaultValue, long min, long max) {
        Optional<ScalarNode> s = scalar(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = ByteSize.parse(s.get().text());
        } catch (IllegalArgumentException e) {
            problem(s.get().line(), qualified(key) + ": " + e.getMessage());
            return defaultValue;
        }
        return inRange(key, s.get().line(), value, min, max, ByteSize.format(min), ByteSize.format(max), defaultValue);
    }

    /** A size that has no fixed default: empty when the key is absent (or its value is bad: a problem). */
    OptionalLong size(String key, long min, long max) {
        if (!entries.containsKey(key)) {
            known.put(key, Boolean.TRUE);
            return OptionalLong.empty();
        }
        long bad = -1;
        long value = size(key, bad, min, max);
        return value == bad ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** A duration with a unit ({@link Durations}). */
    Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        Optional<ScalarNode> s = scalar(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        Duration value;
        try {
            value = Durations.parse(s.get().text());
        } catch (IllegalArgumentException e) {
            problem(s.get().line(), qualified(key) + ": " + e.getMessage());
            return defaultValue;
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problem(s.get().line(), qualified(key) + ": " + Durations.format(value) + " is out of range ("
                    + Durations.format(min) + " to " + Durations.format(max) + ")");
            return defaultValue;
        }
        return value;
    }

    private long inRange(String key, int at, long value, long min, long max, String minText, String maxText,
                         long defaultValue) {
        if (value < min || value > max) {
            problem(at, qualified(key) + ": " + value + " is out of range (" + minText + " to " + maxText + ")");
            return defaultValue;
        }
        return value;
    }

    Optional<InetAddress> address(String key) {
        Optional<ScalarNode> s = scalar(key);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Addresses.parse(s.get().text()));
        } catch (IllegalArgumentException e) {
            problem(s.get().line(), qualified(key) + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    InetAddress address(String key, InetAddress defaultValue) {
        return address(key).orElse(defaultValue);
    }

    /** Records a problem about {@code key} that involves more than its own value. */
    void invalid(String key, String message) {
        problem(lineOf(key), qualified(key) + ": " + message);
    }

    /** Reports every key of this section and its sub-sections that nothing asked for. */
    void rejectUnknown() {
        for (Entry e : entries.values()) {
            if (!known.containsKey(e.key())) {
                String where = name.isEmpty() ? "" : " in '" + name + "'";
                problem(e.line(), "unknown key '" + e.key() + "'" + where + " (expected one of: "
                        + String.join(", ", known.keySet()) + ")");
            }
        }
        children.forEach(Section::rejectUnknown);
    }
}
