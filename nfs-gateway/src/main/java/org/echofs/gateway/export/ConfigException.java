package org.echofs.gateway.export;

/**
 * A configuration file that cannot be used: the message names the file and, when the problem
 * sits on one line, the line ({@code conf/exports:3: unknown option 'rw2'}). Start-up stops on it.
 */
public class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    /** @param line the 1-based line, or 0 when the problem is not on one line */
    public ConfigException(String file, int line, String problem) {
        super(line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public ConfigException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.line = 0;
    }

    /** The file as it was named to the parser. */
    public String file() { return file; }

    /** The 1-based line of the problem, or 0 when it is not on one line. */
    public int line() { return line; }
}
