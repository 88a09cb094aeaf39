package org.echofs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.GatewayInfo;
import org.echofs.cli.node.ProcessControl;
import org.echofs.cli.node.RunFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code echofs status}: the nodes started in a data directory, whether they are alive, and how to
 * reach them; as a table or as JSON. Exit 0 when every node is alive, 1 when one is not, 3 when
 * nothing was ever started there.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Show the nodes started in DIR: name, role, pid, alive, URL.",
        "Exit status: 0 all alive, 1 some node is not alive, 3 nothing was ever started in DIR."})
final class StatusCommand implements Callable<Integer> {

    static final int NEVER_STARTED = 3;

    /** One node as reported. */
    record Node(String name, String role, Long pid, boolean alive, String url, String mount, String metrics,
                String dir) {
    }

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DataDir.DEFAULT,
            description = "Data directory (default: ${DEFAULT-VALUE}, relative to the current directory).")
    Path dir;

    @Option(names = "--json", description = "Print JSON: {\"nodes\":[{\"name\",\"role\",\"pid\",\"alive\",\"url\",...}]}.")
    boolean json;

    StatusCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DataDir data = new DataDir(env.resolve(dir));
        RunFiles run = new RunFiles(data);
        List<Node> nodes = new ArrayList<>();
        if (run.everStarted()) {
            nodes.add(gateway(run, data));
        }
        if (json) {
            out.print(toJson(nodes));
        } else if (nodes.isEmpty()) {
            out.println("echofs: nothing was started in " + data.root());
        } else {
            out.print(table(nodes));
        }
        out.flush();
        if (nodes.isEmpty()) {
            return NEVER_STARTED;
        }
        return nodes.stream().allMatch(Node::alive) ? 0 : 1;
    }

    private static Node gateway(RunFiles run, DataDir data) {
        OptionalLong pid = run.readPid();
        boolean alive = pid.isPresent() && ProcessControl.live(pid.getAsLong()).isPresent();
        Optional<GatewayInfo> info = pid.isPresent() ? run.readInfoOf(pid.getAsLong()) : Optional.empty();
        return new Node("gateway", "gateway", pid.isPresent() ? pid.getAsLong() : null, alive,
                info.map(GatewayInfo::url).orElse(null), info.map(GatewayInfo::mount).orElse(null),
                info.map(GatewayInfo::metrics).orElse(null), data.root().toString());
    }

    static String toJson(List<Node> nodes) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode array = root.putArray("nodes");
        for (Node n : nodes) {
            ObjectNode o = array.addObject();
            o.put("name", n.name());
            o.put("role", n.role());
            o.put("pid", n.pid());
            o.put("alive", n.alive());
            o.put("url", n.url());
            o.put("mount", n.mount());
            o.put("metrics", n.metrics());
            o.put("dir", n.dir());
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    static String table(List<Node> nodes) {
        String format = "%-8s %-8s %-8s %-6s %s%n";
        StringBuilder b = new StringBuilder(String.format(format, "NAME", "ROLE", "PID", "ALIVE", "URL"));
        for (Node n : nodes) {
            b.append(String.format(format, n.name(), n.role(), n.pid() == null ? "-" : n.pid(),
                    n.alive() ? "yes" : "no", n.url() == null ? "-" : n.url()));
        }
        return b.toString();
    }
}
