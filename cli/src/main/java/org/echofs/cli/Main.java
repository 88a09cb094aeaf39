package org.echofs.cli;

import org.echofs.cli.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The {@code echofs} command. Exit codes: 0 success; 1 failure (or, for {@code status}, a node
 * is not alive); 2 bad usage or bad configuration (the message names file and line); 3
 * ({@code status}) nothing was ever started in the directory.
 */
@Command(name = "echofs", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An NFSv3 file system: a gateway that stock NFS clients mount.",
        footer = {"", "Run 'echofs COMMAND --help' for a command's options."})
public final class Main implements Callable<Integer> {

    /** Exit code of a usage or configuration error. */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    public static void main(String[] args) {
        System.exit(commandLine(CliEnvironment.system()).execute(args));
    }

    /**
     * The command line with every subcommand, wired to {@code env}. Output goes to the
     * CommandLine's out and err writers (set them to capture it).
     */
    public static CommandLine commandLine(CliEnvironment env) {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("up", new UpCommand(env));
        cl.addSubcommand("down", new DownCommand(env));
        cl.addSubcommand("status", new StatusCommand(env));
        cl.addSubcommand("gateway", new GatewayCommand(env));
        cl.addSubcommand("fsck", new FsckCommand(env));
        cl.addSubcommand("bench", new org.echofs.cli.bench.BenchCommand(env));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println(ex.getMessage());
            UnmatchedArgumentException.printSuggestions(ex, err);
            failed.usage(err);
            err.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof ConfigException) {
                err.println(ex.getMessage());
                err.flush();
                return USAGE;
            }
            if (ex instanceof CliException c) {
                err.println("echofs " + commandLine.getCommandName() + ": " + c.getMessage());
                err.flush();
                return c.exitCode();
            }
            err.println("echofs " + commandLine.getCommandName() + ": " + ex);
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"echofs " + (v == null ? "(development build)" : v)};
        }
    }
}
