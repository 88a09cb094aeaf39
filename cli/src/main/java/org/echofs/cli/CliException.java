package org.echofs.cli;

/**
 * A command failed in a way the user can act on: the message is printed as it is (no stack
 * trace) and the process exits with {@link #exitCode()}.
 */
public final class CliException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
