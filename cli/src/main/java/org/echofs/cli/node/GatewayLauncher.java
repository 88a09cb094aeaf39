package org.echofs.cli.node;

import org.echofs.cli.config.JvmOptions;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Starts {@code echofs gateway --config FILE} as a detached background process: in its own
 * session (through {@code setsid} when the system has it, so the terminal's signals do not reach
 * it), with stdin from /dev/null and stdout and stderr appended to the data directory's
 * {@code logs/gateway.log}, working directory the data directory.
 *
 * <p>When the program is a jar ({@code java ... -jar FILE}), the gateway runs from a copy of it
 * in the data directory ({@link DataDir#gatewayJar()}, replaced atomically at each launch): a
 * JVM loads classes from its jar for as long as it runs, so rebuilding or replacing the original
 * under a running gateway would break it. When the program starts with a {@code java} command,
 * the maximum heap given to {@link #launch} is passed as {@code -Xmx} right after it.
 * Stateless apart from the command it was given; failures to start are {@link IOException}s.
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

    /** The full command {@link #launch} runs, with the program as given and the JVM's default heap. */
    public List<String> command(Path config, List<String> extraArgs) {
        return command(config, extraArgs, echofsCommand, OptionalLong.empty());
    }

    /**
     * The full command {@link #launch} runs for {@code dir}: the jar replaced by its copy in
     * {@code dir} (see {@link #programJar()}), {@code -Xmx} after the java command.
     */
    public List<String> command(DataDir dir, Path config, List<String> extraArgs, long maxHeapBytes) {
        List<String> program = new ArrayList<>(echofsCommand);
        int jar = jarIndex();
        if (jar >= 0) {
            program.set(jar, dir.gatewayJar().toString());
        }
        return command(config, extraArgs, program, OptionalLong.of(maxHeapBytes));
    }

    private List<String> command(Path config, List<String> extraArgs, List<String> program, OptionalLong maxHeap) {
        List<String> command = new ArrayList<>();
        setsid.ifPresent(p -> command.add(p.toString()));
        command.addAll(program);
        if (maxHeap.isPresent() && isJava(program.get(0))) {
            command.add(command.size() - program.size() + 1, JvmOptions.xmx(maxHeap.getAsLong()));
        }
        command.addAll(List.of("gateway", "--config", config.toString()));
        command.addAll(extraArgs);
        return command;
    }

    private static boolean isJava(String executable) {
        return Path.of(executable).getFileName().toString().equals("java");
    }

    /** Index in the program's command of the jar after {@code -jar}, or -1 when it runs from a class path. */
    private int jarIndex() {
        int i = echofsCommand.indexOf("-jar");
        return i >= 0 && i + 1 < echofsCommand.size() ? i + 1 : -1;
    }

    /** The jar the program runs from, if it runs from one. */
    public Optional<Path> programJar() {
        int i = jarIndex();
        return i < 0 ? Optional.empty() : Optional.of(Path.of(echofsCommand.get(i)));
    }

    /**
     * Copies the program's jar to {@code dir}'s {@link DataDir#gatewayJar()}: to a temporary file
     * beside it, then renamed over it, so a JVM still running from an earlier copy keeps its file.
     */
    private void copyJar(DataDir dir) throws IOException {
        Optional<Path> jar = programJar();
        if (jar.isEmpty()) {
            return;
        }
        Path target = dir.gatewayJar();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.copy(jar.get(), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot copy " + jar.get() + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts the gateway from a fresh copy of the program's jar in {@code dir}, with a maximum heap
     * of {@code maxHeapBytes}; the returned process is the gateway itself (setsid execs it).
     */
    public Process launch(DataDir dir, Path config, List<String> extraArgs, long maxHeapBytes) throws IOException {
        dir.create();
        copyJar(dir);
        ProcessBuilder builder = new ProcessBuilder(command(dir, config, extraArgs, maxHeapBytes))
                .directory(dir.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.gatewayLog().toFile()))
                .redirectErrorStream(true);
        return builder.start();
    }
}
