package org.echofs.cli.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A configuration that cannot be used. Each problem is one line that starts with the file and
 * line it is about ({@code var/echofs/gateway.yaml:7: unknown key 'nfsport' ...}), so the message
 * can be shown to the user as it is, without a stack trace. A loader reports every problem it
 * found, not just the first.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems one or more complete problem lines, each naming file and line */
    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** One complete problem line (already naming its file and, where known, its line). */
    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** A problem at {@code line} (1-based; 0 when the whole file is meant) of {@code file}. */
    public static ConfigException at(Path file, int line, String message) {
        return new ConfigException(where(file, line) + message);
    }

    static String where(Path file, int line) {
        return line > 0 ? file + ":" + line + ": " : file + ": ";
    }

    public List<String> problems() {
        return problems;
    }
}
