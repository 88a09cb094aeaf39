package org.echofs.gateway.export;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One exported subtree: its id (carried in every file handle), its path inside the volume's
 * namespace (normalized: absolute, no "." or ".." components, no trailing slash except for
 * "/"), and its client rules, most specific first. Immutable.
 *
 * @param line the line of the exports file that defined it
 */
public record Export(int id, String path, List<ClientRule> rules, int line) {

    public Export {
        rules = rules.stream()
                .sorted(Comparator.comparingInt((ClientRule r) -> r.client().specificity()).reversed())
                .toList();
    }

    /**
     * The options of the most specific rule that matches {@code client}, or null when none does.
     * May call {@code names} (and so block on DNS) when a wildcard rule has to be tried.
     */
    public ExportOptions optionsFor(InetAddress client, Function<InetAddress, String> names) {
        for (ClientRule rule : rules) {
            if (rule.client().matches(client, names)) return rule.options();
        }
        return null;
    }

    /** The export in exports(5) syntax with every option spelled out. */
    public String describe() {
        StringBuilder b = new StringBuilder(path);
        for (ClientRule r : rules) {
            b.append(' ').append(r.client().text()).append('(').append(r.options().describe())
                    .append(",id=").append(id).append(')');
        }
        return b.toString();
    }
}
