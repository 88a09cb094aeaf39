package org.echofs.cli;

import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.ProcessControl;
import org.echofs.cli.node.RunFiles;
import org.echofs.cli.node.StandaloneGateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code echofs fsck}: checks the volume of a stopped gateway offline. Exit 0 clean, 1 damage
 * found, 2 it cannot be checked (in use, missing, unreadable).
 */
@Command(name = "fsck", mixinStandardHelpOptions = true, description = {
        "Check the volume in DIR/volume while its gateway is stopped.",
        "Exit status: 0 clean, 1 damage found, 2 cannot check (in use, missing, unreadable)."})
final class FsckCommand implements Callable<Integer> {

    static final int CANNOT_CHECK = 2;

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DataDir.DEFAULT,
            description = "Data directory (default: ${DEFAULT-VALUE}, relative to the current directory).")
    Path dir;

    FsckCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws CliException {
        PrintWriter out = spec.commandLine().getOut();
        DataDir data = new DataDir(env.resolve(dir));
        OptionalLong pid = new RunFiles(data).readPid();
        if (pid.isPresent() && ProcessControl.live(pid.getAsLong())
                .filter(p -> ProcessControl.isGatewayOf(p, data.config())).isPresent()) {
            throw new CliException(CANNOT_CHECK, "the volume is in use by the running gateway (pid " + pid.getAsLong()
                    + "); stop it first with 'echofs down --dir " + data.root() + "'");
        }
        if (!Files.isDirectory(data.volume())) {
            throw new CliException(CANNOT_CHECK, "there is no volume at " + data.volume());
        }
        StandaloneGateway.VolumeCheck check;
        try {
            check = StandaloneGateway.checkVolume(data.volume());
        } catch (IOException e) {
            throw new CliException(CANNOT_CHECK, "cannot check " + data.volume() + ": " + e.getMessage(), e);
        }
        out.println(check.report());
        out.flush();
        return check.verdict() == StandaloneGateway.Verdict.CLEAN ? 0 : 1;
    }
}
