package org.echofs.gateway.portmap;

import java.util.ArrayList;
import java.util.List;

/**
 * The portmapper's table of (program, version, protocol) to port mappings. The composition root
 * fills it with what this process serves; portmap SET and UNSET change it. Thread-safe (one lock;
 * the table is tiny).
 */
public final class PortmapRegistry {

    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;

    /**
     * One mapping. Numbers are unsigned 32-bit values on the wire, kept here as Java ints.
     *
     * @param port the port, 0..65535
     */
    public record Mapping(int program, int version, int protocol, int port) { }

    private final List<Mapping> mappings = new ArrayList<>();

    /**
     * Adds a mapping unless one for the same program, version and protocol exists (whatever its
     * port), as portmap SET does. Returns true if added.
     */
    public synchronized boolean set(Mapping m) {
        for (Mapping e : mappings) {
            if (e.program() == m.program() && e.version() == m.version() && e.protocol() == m.protocol()) {
                return false;
            }
        }
        mappings.add(m);
        return true;
    }

    /** Removes every mapping of the program and version, any protocol. Returns true if any was. */
    public synchronized boolean unset(int program, int version) {
        return mappings.removeIf(e -> e.program() == program && e.version() == version);
    }

    /**
     * The port of the program, version and protocol; if that version is not registered, the port
     * of another version of the program on that protocol (as the classic portmapper answers, so
     * the client learns the version range from the server itself); 0 if the program is unknown.
     */
    public synchronized int getPort(int program, int version, int protocol) {
        int other = 0;
        for (Mapping e : mappings) {
            if (e.program() == program && e.protocol() == protocol) {
                if (e.version() == version) return e.port();
                if (other == 0) other = e.port();
            }
        }
        return other;
    }

    /** A snapshot of all mappings, in the order they were added. */
    public synchronized List<Mapping> dump() {
        return List.copyOf(mappings);
    }
}
