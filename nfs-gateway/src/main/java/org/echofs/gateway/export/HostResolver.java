package org.echofs.gateway.export;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Name service look-ups the export rules need: host names written in the exports file are
 * resolved to addresses once, at parse time; client addresses are resolved to names (lazily,
 * through a bounded cache) only when a wildcard rule has to be tried. Both may block on DNS, so
 * they are never called on an I/O thread. Implementations are thread-safe.
 */
public interface HostResolver {

    /** Every address of {@code hostName}; throws when the name does not resolve. */
    List<InetAddress> addressesOf(String hostName) throws UnknownHostException;

    /**
     * The name of {@code address} from a reverse look-up that the forward look-up of that name
     * confirms, or null when there is none.
     */
    String nameOf(InetAddress address);

    /** The platform name service. */
    static HostResolver system() {
        return new HostResolver() {
            @Override
            public List<InetAddress> addressesOf(String hostName) throws UnknownHostException {
                return List.of(InetAddress.getAllByName(hostName));
            }

            @Override
            public String nameOf(InetAddress address) {
                try {
                    // A fresh instance without a cached name, so the look-up really happens; the JDK
                    // forward-confirms the reverse answer and falls back to the literal address.
                    InetAddress fresh = InetAddress.getByAddress(address.getAddress());
                    String name = fresh.getCanonicalHostName();
                    return name.equals(fresh.getHostAddress()) ? null : name;
                } catch (UnknownHostException e) {
                    return null;
                }
            }
        };
    }
}
