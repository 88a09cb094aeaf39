package org.echofs.cli.node;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts {@code echofs gateway --config FILE} as a detached background process: in its own
 * session (through {@code setsid} when the system has it, so the terminal's signals do not reach
 * it), with stdin from /dev/null and stdout and stderr appended to the data directory's
 * {@code logs/gateway.log}, working directory the data directory. Stateless apart from the
 * command it was given; failures to start are {@link IOException}s.
 */
public final class GatewayLauncher {

    private final List<String> echofsCommand;
    private final Optional<Path> setsid;

    /**
     * @param echofsCommand how to run the {@code echofs} command, for example
     *                      {@code [/usr/lib/jvm/.../bin/java, -jar, /repo/cli/target/echofs.jar]}
     * @param setsid        the setsid program, if any
     */
    public GatewayLauncher(List<String> echofsCommand, Optional<Path> setsid) {
        this.echofsCommand = List.copyOf(echofsCommand);
        this.setsid = setsid;
    }

    /** A launcher that runs this very program (its jar, or its class path) with this JVM's java. */
    public static GatewayLauncher forThisProgram(Class<?> mainClass) {
        return new GatewayLauncher(thisProgram(mainClass), findOnPath("setsid"));
    }

    /** The command line that runs {@code mainClass}'s program again. */
    public static List<String> thisProgram(Class<?> mainClass) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path location = null;
        try {
            var source = mainClass.getProtectionDomain().getCodeSource();
            if (source != null) {
                location = Path.of(source.getLocation().toURI());
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            location = null;
        }
        List<String> command = new ArrayList<>(List.of(java, "-XX:+ExitOnOutOfMemoryError"));
        if (location != null && Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
            command.addAll(List.of("-jar", location.toString()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        }
        return command;
    }

    /** The first executable {@code name} on the PATH. */
    public static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The full command {@link #launch} runs. */
    public List<String> command(Path config, List<String> extraArgs) {
        List<String> command = new ArrayList<>();
        setsid.ifPresent(p -> command.add(p.toString()));
        command.addAll(echofsCommand);
        command.addAll(List.of("gateway", "--config", config.toString()));
        command.addAll(extraArgs);
        return command;
    }

    /** Starts the gateway; the returned process is the gateway itself (setsid execs it). */
    public Process launch(DataDir dir, Path config, List<String> extraArgs) throws IOException {
        dir.create();
        ProcessBuilder builder = new ProcessBuilder(command(config, extraArgs))
                .directory(dir.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.gatewayLog().toFile()))
                .redirectErrorStream(true);
        return builder.start();
    }
}
