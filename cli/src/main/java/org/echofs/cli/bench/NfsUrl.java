package org.echofs.cli.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * An NFS server location written as libnfs writes it:
 * {@code nfs://HOST/PATH?nfsport=N&mountport=M&version=3[&uid=U&gid=G]}. PATH is an exported
 * directory or a directory below one. Both ports are required: the benchmark does not ask a
 * portmapper (libnfs would ask port 111 for a missing one). {@code version} must be 3 when given.
 * {@code nfs://host:port/...} is refused, as libnfs 4 refuses it. Immutable.
 *
 * @param host      the server's host name or address literal, as written
 * @param path      the absolute directory path (decoded, no trailing slash except for "/")
 * @param nfsPort   the NFS v3 port
 * @param mountPort the MOUNT v3 port
 * @param uid       the AUTH_SYS uid from the URL, if given
 * @param gid       the AUTH_SYS gid from the URL, if given
 */
public record NfsUrl(String host, String path, int nfsPort, int mountPort, OptionalInt uid, OptionalInt gid) {

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static NfsUrl parse(String text) {
        String s = text.trim();
        if (!s.regionMatches(true, 0, "nfs://", 0, 6)) {
            throw new IllegalArgumentException("'" + text + "' is not an nfs:// URL (nfs://HOST/PATH?nfsport=N&mountport=M)");
        }
        String rest = s.substring(6);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String host = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' names no host");
        }
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || close != host.length() - 1) {
                throw new IllegalArgumentException("'" + text + "': bad host '" + host
                        + "' (ports go in nfsport= and mountport=, not after the host)");
            }
            host = host.substring(1, close);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "': a port after the host is not supported (libnfs rejects "
                    + "it too); give nfsport=N&mountport=M");
        }
        path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Integer nfsPort = null;
        Integer mountPort = null;
        OptionalInt uid = OptionalInt.empty();
        OptionalInt gid = OptionalInt.empty();
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            switch (key) {
                case "nfsport" -> nfsPort = port(text, key, value);
                case "mountport" -> mountPort = port(text, key, value);
                case "version" -> {
                    if (!value.equals("3")) {
                        throw new IllegalArgumentException("'" + text + "': version=" + value + " (only NFS version 3)");
                    }
                }
                case "uid" -> uid = OptionalInt.of(id(text, key, value));
                case "gid" -> gid = OptionalInt.of(id(text, key, value));
                default -> {
                    // other libnfs options (readahead, debug, ...) do not concern this client
                }
            }
        }
        if (nfsPort == null || mountPort == null) {
            throw new IllegalArgumentException("'" + text + "': give both nfsport= and mountport= (they may be the same "
                    + "port); the benchmark does not ask a portmapper");
        }
        return new NfsUrl(host, path, nfsPort, mountPort, uid, gid);
    }

    private static int port(String text, String key, String value) {
        try {
            int p = Integer.parseInt(value);
            if (p >= 1 && p <= 65535) return p;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "': " + key + "=" + value + " is not a port (1 to 65535)");
    }

    private static int id(String text, String key, String value) {
        try {
            long v = Long.parseLong(value);
            if (v >= 0 && v <= 0xFFFF_FFFFL) return (int) v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "': " + key + "=" + value + " is not a number 0 to 4294967295");
    }

    /** The NFS endpoint (resolves the host). */
    public InetSocketAddress nfsAddress() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), nfsPort);
    }

    /** The MOUNT endpoint (resolves the host). */
    public InetSocketAddress mountAddress() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), mountPort);
    }

    /** The URL of {@code relative} (slash-separated, no leading slash) below this URL's path, same query. */
    public String child(String relative) {
        return format((path.equals("/") ? "" : path) + "/" + relative);
    }

    private String format(String p) {
        StringBuilder b = new StringBuilder("nfs://");
        b.append(host.contains(":") ? "[" + host + "]" : host);
        b.append(encode(p));
        b.append("?nfsport=").append(nfsPort).append("&mountport=").append(mountPort).append("&version=3");
        uid.ifPresent(u -> b.append("&uid=").append(Integer.toUnsignedString(u)));
        gid.ifPresent(g -> b.append("&gid=").append(Integer.toUnsignedString(g)));
        return b.toString();
    }

    private static String encode(String path) {
        StringBuilder b = new StringBuilder();
        for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return format(path);
    }
}
