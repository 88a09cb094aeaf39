package org.echofs.cli;

import org.echofs.cli.node.GatewayLauncher;
import org.echofs.storage.SystemClock;
import org.echofs.core.time.Clock;

import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * What the commands need from the outside world, passed in so tests can substitute parts: the
 * clock, how to start a gateway process, randomness for secrets, and the working directory that
 * relative {@code --dir} values resolve against. Immutable.
 */
public record CliEnvironment(Clock clock, GatewayLauncher launcher, SecureRandom random, Path workingDir) {

    /** The real environment of the {@code echofs} process. */
    public static CliEnvironment system() {
        return new CliEnvironment(new SystemClock(), GatewayLauncher.forThisProgram(Main.class), new SecureRandom(),
                Path.of("").toAbsolutePath());
    }

    /** {@code path} resolved against the working directory. */
    public Path resolve(Path path) {
        return workingDir.resolve(path).normalize();
    }
}
