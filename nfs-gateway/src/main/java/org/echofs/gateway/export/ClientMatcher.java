package org.echofs.gateway.export;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Which clients one rule of an export applies to. When several rules of an export match a
 * client, the one with the highest {@link #specificity()} wins: an exact address, then the
 * longest CIDR prefix, then a host name, then the wildcard pattern with the most literal
 * characters, then {@code *}. Immutable and thread-safe.
 */
public sealed interface ClientMatcher {

    /** The client spec as the exports file wrote it (for EXPORT replies and logs). */
    String text();

    /** Higher wins among the rules that match. */
    int specificity();

    /**
     * True when the rule applies to {@code client}. {@code names} gives the client's host name
     * (or null); it is called only by wildcard patterns, as it may block on DNS.
     */
    boolean matches(InetAddress client, Function<InetAddress, String> names);

    /** One exact IPv4 or IPv6 address. */
    record Address(String text, InetAddress address) implements ClientMatcher {
        @Override public int specificity() { return 4_000_000; }

        @Override public boolean matches(InetAddress client, Function<InetAddress, String> names) {
            return Arrays.equals(Addresses.canonical(client).getAddress(), address.getAddress());
        }
    }

    /** A network in CIDR notation; the host bits of {@code network} are zero. */
    record Cidr(String text, InetAddress network, int prefix) implements ClientMatcher {
        @Override public int specificity() { return 3_000_000 + prefix; }

        @Override public boolean matches(InetAddress client, Function<InetAddress, String> names) {
            byte[] c = Addresses.canonical(client).getAddress();
            byte[] n = network.getAddress();
            return c.length == n.length && Addresses.samePrefix(c, n, prefix);
        }
    }

    /** A plain host name, resolved to its addresses when the file was parsed. */
    record HostName(String text, List<InetAddress> addresses) implements ClientMatcher {
        public HostName {
            addresses = List.copyOf(addresses);
        }

        @Override public int specificity() { return 2_000_000; }

        @Override public boolean matches(InetAddress client, Function<InetAddress, String> names) {
            byte[] c = Addresses.canonical(client).getAddress();
            for (InetAddress a : addresses) {
                if (Arrays.equals(c, Addresses.canonical(a).getAddress())) return true;
            }
            return false;
        }
    }

    /**
     * A host-name pattern with {@code *} (any run of characters, dots included) and {@code ?}
     * (one character), matched case-insensitively against the client's reverse-resolved name.
     * A client whose address has no name does not match.
     */
    record Wildcard(String text) implements ClientMatcher {
        @Override public int specificity() {
            int literals = 0;
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (ch != '*' && ch != '?') literals++;
            }
            return 1_000_000 + literals;
        }

        @Override public boolean matches(InetAddress client, Function<InetAddress, String> names) {
            String name = names.apply(client);
            if (name == null) return false;
            if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
            return glob(text.toLowerCase(Locale.ROOT), 0, name.toLowerCase(Locale.ROOT), 0);
        }

        private static boolean glob(String p, int pi, String s, int si) {
            // Iterative glob with single-star backtracking: linear enough for host names.
            int starP = -1, starS = -1;
            while (si < s.length()) {
                if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                    pi++;
                    si++;
                } else if (pi < p.length() && p.charAt(pi) == '*') {
                    starP = pi++;
                    starS = si;
                } else if (starP >= 0) {
                    pi = starP + 1;
                    si = ++starS;
                } else {
                    return false;
                }
            }
            while (pi < p.length() && p.charAt(pi) == '*') pi++;
            return pi == p.length();
        }
    }

    /** {@code *}: every client, named or not. */
    record Anyone() implements ClientMatcher {
        @Override public String text() { return "*"; }

        @Override public int specificity() { return 0; }

        @Override public boolean matches(InetAddress client, Function<InetAddress, String> names) {
            return true;
        }
    }

    /** Address helpers shared by the matchers and the parser. */
    final class Addresses {
        private Addresses() { }

        /** An IPv4-mapped IPv6 address as the IPv4 address it carries; others unchanged. */
        static InetAddress canonical(InetAddress a) {
            if (a instanceof Inet6Address) {
                byte[] b = a.getAddress();
                boolean mapped = true;
                for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
                mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
                if (mapped) {
                    try {
                        return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
                    } catch (UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return a;
        }

        static boolean samePrefix(byte[] a, byte[] b, int prefix) {
            int full = prefix / 8, rest = prefix % 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != b[i]) return false;
            }
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (b[full] & mask);
        }

        /** A strict dotted-quad IPv4 literal (no DNS), or null when {@code s} is not one. */
        static Inet4Address parseIpv4(String s) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) return null;
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3) return null;
                int v = 0;
                for (int j = 0; j < p.length(); j++) {
                    char ch = p.charAt(j);
                    if (ch < '0' || ch > '9') return null;
                    v = v * 10 + (ch - '0');
                }
                if (v > 255) return null;
                b[i] = (byte) v;
            }
            try {
                return (Inet4Address) InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                return null;
            }
        }

        /**
         * An IPv6 literal (no DNS, no zone), or null when {@code s} is not one. An IPv4-mapped
         * literal comes back as its IPv4 address.
         */
        static InetAddress parseIpv6(String s) {
            if (s.isEmpty() || s.indexOf(':') < 0) return null;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                boolean ok = ch == ':' || ch == '.' || Character.digit(ch, 16) >= 0;
                if (!ok) return null;
            }
            try {
                // Only hex digits, ':' and '.': the JDK parses this as a literal and never asks DNS.
                return InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                return null;
            }
        }
    }
}
