package org.echofs.cli.bench;

import org.echofs.cli.CliEnvironment;
import org.echofs.cli.Main;
import org.echofs.cli.node.GatewayLauncher;
import org.echofs.storage.SystemClock;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Runs {@code echofs ARGS} in the test JVM and keeps what it printed. */
record BenchCli(int exit, String out, String err) {

    static BenchCli run(Path cwd, String... args) {
        CliEnvironment env = new CliEnvironment(new SystemClock(), GatewayLauncher.forThisProgram(Main.class),
                new SecureRandom(), cwd);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new BenchCli(exit, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
