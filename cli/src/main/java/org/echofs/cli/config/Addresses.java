package org.echofs.cli.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address literals in configuration and flags. Only literals are accepted (never a host name),
 * so reading a configuration never waits for DNS. Stateless.
 */
public final class Addresses {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private Addresses() {
    }

    /**
     * Parses an IPv4 or IPv6 literal.
     *
     * @throws IllegalArgumentException with a message fit for the user otherwise
     */
    public static InetAddress parse(String text) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        var m = IPV4.matcher(t);
        boolean v4 = m.matches();
        if (v4) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    v4 = false;
                }
            }
        }
        boolean v6 = !v4 && t.contains(":") && IPV6.matcher(t).matches();
        if (v4 || v6) {
            try {
                return InetAddress.getByName(t);
            } catch (UnknownHostException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an IP address (write a literal such as 127.0.0.1 or ::1)");
    }

    /** The literal form, without brackets. */
    public static String literal(InetAddress address) {
        return address.getHostAddress();
    }

    /**
     * The address a local client should dial to reach a server bound to {@code bind}: the
     * loopback address for a wildcard bind, else {@code bind} itself.
     */
    public static InetAddress dialable(InetAddress bind) {
        if (bind.isAnyLocalAddress()) {
            return bind instanceof Inet6Address ? loopback(new byte[16]) : loopback(new byte[] {127, 0, 0, 0});
        }
        return bind;
    }

    /** The host part of a URL: IPv6 literals in brackets. */
    public static String urlHost(InetAddress address) {
        String literal = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + literal + "]" : literal;
    }

    private static InetAddress loopback(byte[] bytes) {
        bytes[bytes.length - 1] = 1;
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
