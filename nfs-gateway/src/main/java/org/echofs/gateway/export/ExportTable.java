package org.echofs.gateway.export;

import org.echofs.core.time.Clock;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exports of one gateway, as parsed from the exports file: by id, by path, by the longest
 * path prefix, and the per-request access decision for a client. The exports never change; the
 * only state inside is the bounded cache of client host names used by wildcard rules.
 * Thread-safe. {@link #access} may block on DNS (only when a wildcard rule has to be tried), so
 * call it from a worker thread, never an I/O thread.
 */
public final class ExportTable {

    /** How many client names the wildcard rules remember, and for how long. */
    public static final int NAME_CACHE_ENTRIES = 4096;
    public static final long NAME_CACHE_TTL_NANOS = 300_000_000_000L;

    private final List<Export> exports;
    private final Map<Integer, Export> byId = new HashMap<>();
    private final Map<String, Export> byPath = new HashMap<>();
    private final ReverseNameCache names;

    /**
     * @param exports exports with distinct ids and distinct normalized paths (the parser checks)
     */
    public ExportTable(List<Export> exports, HostResolver resolver, Clock clock) {
        this.exports = List.copyOf(exports);
        for (Export e : this.exports) {
            if (byId.put(e.id(), e) != null) throw new IllegalArgumentException("duplicate export id " + e.id());
            if (byPath.put(e.path(), e) != null) throw new IllegalArgumentException("duplicate export " + e.path());
        }
        this.names = new ReverseNameCache(resolver, clock, NAME_CACHE_ENTRIES, NAME_CACHE_TTL_NANOS);
    }

    /** Every export, in file order. */
    public List<Export> exports() { return exports; }

    /** The export with this id, or null. */
    public Export byId(int id) { return byId.get(id); }

    /** The export with exactly this path (normalized first), or null. */
    public Export byPath(String path) {
        String p = ExportPaths.normalizeOrNull(path);
        return p == null ? null : byPath.get(p);
    }

    /**
     * The export whose path is the longest prefix of {@code absPath} at a component boundary
     * ({@code /export} holds {@code /export/a} but not {@code /exported}), or null when no export
     * holds the path or the path is not a clean absolute path.
     */
    public Export forPath(String absPath) {
        String p = ExportPaths.normalizeOrNull(absPath);
        if (p == null) return null;
        while (true) {
            Export e = byPath.get(p);
            if (e != null) return e;
            if (p.equals("/")) return null;
            int slash = p.lastIndexOf('/');
            p = slash == 0 ? "/" : p.substring(0, slash);
        }
    }

    /**
     * The options that apply to {@code client} on {@code export}: those of the most specific
     * matching rule, or null when no rule matches (the client may not use the export). The
     * source port is not checked here; see {@link ExportOptions#allowsPort}.
     */
    public ExportOptions access(Export export, InetSocketAddress client) {
        InetAddress address = client.getAddress();
        if (address == null) return null; // unresolved: not a real peer
        return export.optionsFor(address, names::nameOf);
    }

    /** The effective configuration, one export per line, every option spelled out. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Export e : exports) b.append(e.describe()).append('\n');
        return b.toString();
    }
}
