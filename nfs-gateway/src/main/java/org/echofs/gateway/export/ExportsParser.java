package org.echofs.gateway.export;

import org.echofs.core.time.Clock;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an exports file into an {@link ExportTable}. The syntax is that of exports(5) plus a
 * required {@code id=N} per export:
 *
 * <pre>
 * # comment
 * /export   -id=1,rw   127.0.0.1(rw,no_root_squash,insecure)  10.0.0.0/8(ro)  \
 *           *.example.com(rw,all_squash,anonuid=1000,anongid=1000)  *(ro)
 * </pre>
 *
 * A line holds a path (optionally in double quotes), optional default options after a dash
 * (applied to every client of the line; a client's own options override them), and one or more
 * clients, each {@code host} or {@code host(options)} with no space before the parenthesis. A
 * trailing backslash continues the line; {@code #} starts a comment. A client is an IPv4 or IPv6
 * address, a CIDR network ({@code 10.0.0.0/8}, {@code 10.0.0.0/255.0.0.0}, {@code fd00::/8}), a
 * host-name pattern with {@code *} and {@code ?}, {@code *}, or a host name (resolved now).
 *
 * <p>Options: {@code rw}/{@code ro} (default ro), {@code root_squash} (default) /
 * {@code no_root_squash}, {@code all_squash}/{@code no_all_squash}, {@code anonuid=N},
 * {@code anongid=N} (default 65534), {@code secure} (default) / {@code insecure}, and
 * {@code id=N} (1..2^31-1, required, one value per export, unique). The last of two contrary
 * options wins.
 *
 * <p>Every problem, including an unknown option or token, a bad address, a relative path, a
 * missing, conflicting or duplicate id, a duplicate path or a host name that does not resolve,
 * stops parsing with a {@link ConfigException} naming the file and line. Parsing may block on
 * DNS (host names); run it at start-up. Instances are thread-safe.
 */
public final class ExportsParser {

    private final HostResolver resolver;
    private final Clock clock;

    /**
     * @param resolver resolves host names now and client names later (for wildcard rules)
     * @param clock    times the table's client-name cache
     */
    public ExportsParser(HostResolver resolver, Clock clock) {
        this.resolver = resolver;
        this.clock = clock;
    }

    /** Parses {@code file}; errors name it as given. */
    public ExportTable parse(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read: " + e, e);
        }
        return parse(file.toString(), text);
    }

    /** Parses {@code text}; errors name {@code fileName}. */
    public ExportTable parse(String fileName, String text) throws ConfigException {
        List<Export> exports = new ArrayList<>();
        Map<String, Export> paths = new HashMap<>();
        Map<Integer, Export> ids = new HashMap<>();
        for (List<Token> line : new Lexer(fileName, text).logicalLines()) {
            Export e = new LineParser(fileName, line).parse();
            Export samePath = paths.get(e.path());
            if (samePath != null) {
                throw new ConfigException(fileName, e.line(),
                        "duplicate export path " + e.path() + " (first on line " + samePath.line() + ")");
            }
            Export sameId = ids.get(e.id());
            if (sameId != null) {
                throw new ConfigException(fileName, e.line(),
                        "duplicate id " + e.id() + " (already used by " + sameId.path() + " on line " + sameId.line() + ")");
            }
            paths.put(e.path(), e);
            ids.put(e.id(), e);
            exports.add(e);
        }
        return new ExportTable(exports, resolver, clock);
    }

    record Token(String text, int line) { }

    /** Splits the text into logical lines of tokens: comments, quotes and continuations. */
    private static final class Lexer {
        private final String file;
        private final String text;

        Lexer(String file, String text) {
            this.file = file;
            this.text = text;
        }

        List<List<Token>> logicalLines() throws ConfigException {
            List<List<Token>> out = new ArrayList<>();
            List<Token> current = new ArrayList<>();
            String[] lines = text.split("\r?\n", -1);
            int continuedFrom = 0;
            for (int i = 0; i < lines.length; i++) {
                int lineNo = i + 1;
                boolean continues = scan(lines[i], lineNo, current);
                if (continues) {
                    continuedFrom = lineNo;
                    continue;
                }
                continuedFrom = 0;
                if (!current.isEmpty()) {
                    out.add(current);
                    current = new ArrayList<>();
                }
            }
            if (continuedFrom > 0) {
                throw new ConfigException(file, continuedFrom, "line continuation '\\' at end of file");
            }
            if (!current.isEmpty()) out.add(current);
            return out;
        }

        /** Adds the tokens of one physical line; true when it ends with a continuation. */
        private boolean scan(String line, int lineNo, List<Token> tokens) throws ConfigException {
            StringBuilder tok = new StringBuilder();
            boolean inToken = false;
            boolean inQuote = false;
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (inQuote) {
                    if (ch == '"') {
                        inQuote = false;
                    } else {
                        tok.append(ch);
                    }
                    continue;
                }
                if (ch == '"') {
                    inQuote = true;
                    inToken = true;
                } else if (ch == '#') {
                    break;
                } else if (ch == '\\') {
                    if (!restIsBlank(line, i + 1)) {
                        throw new ConfigException(file, lineNo, "unexpected '\\' (a backslash may only end a line)");
                    }
                    if (inToken) tokens.add(new Token(tok.toString(), lineNo));
                    return true;
                } else if (Character.isWhitespace(ch)) {
                    if (inToken) {
                        tokens.add(new Token(tok.toString(), lineNo));
                        tok.setLength(0);
                        inToken = false;
                    }
                } else if (Character.isISOControl(ch)) {
                    throw new ConfigException(file, lineNo, String.format("control character U+%04X", (int) ch));
                } else {
                    tok.append(ch);
                    inToken = true;
                }
            }
            if (inQuote) throw new ConfigException(file, lineNo, "unterminated quote");
            if (inToken) tokens.add(new Token(tok.toString(), lineNo));
            return false;
        }

        private static boolean restIsBlank(String line, int from) {
            for (int i = from; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (ch == '#') return true;
                if (!Character.isWhitespace(ch)) return false;
            }
            return true;
        }
    }

    /** Options as written, before defaults are filled in; null means "not given". */
    private static final class OptionSet {
        Boolean readWrite, rootSquash, allSquash, secure;
        Integer anonUid, anonGid, id;

        OptionSet copy() {
            OptionSet o = new OptionSet();
            o.readWrite = readWrite;
            o.rootSquash = rootSquash;
            o.allSquash = allSquash;
            o.secure = secure;
            o.anonUid = anonUid;
            o.anonGid = anonGid;
            o.id = id;
            return o;
        }

        ExportOptions resolve() {
            ExportOptions d = ExportOptions.DEFAULTS;
            return new ExportOptions(
                    readWrite != null ? readWrite : d.readWrite(),
                    rootSquash != null ? rootSquash : d.rootSquash(),
                    allSquash != null ? allSquash : d.allSquash(),
                    anonUid != null ? anonUid : d.anonUid(),
                    anonGid != null ? anonGid : d.anonGid(),
                    secure != null ? secure : d.secure());
        }
    }

    /** One logical line: path, dash defaults, clients. */
    private final class LineParser {
        private final String file;
        private final List<Token> tokens;

        LineParser(String file, List<Token> tokens) {
            this.file = file;
            this.tokens = tokens;
        }

        private ConfigException error(Token at, String problem) {
            return new ConfigException(file, at.line(), problem);
        }

        Export parse() throws ConfigException {
            Token pathTok = tokens.get(0);
            String path = parsePath(pathTok);
            int i = 1;
            OptionSet defaults = new OptionSet();
            if (i < tokens.size() && tokens.get(i).text().startsWith("-")) {
                Token t = tokens.get(i);
                parseOptions(t, t.text().substring(1), defaults);
                i++;
            }
            if (i == tokens.size()) {
                throw error(pathTok, "export " + path + " names no clients (add '*(ro)' or a host)");
            }
            for (int j = i; j < tokens.size(); j++) {
                // Layout mistakes first: "host (rw)" should say so, not fail to resolve "host".
                Token t = tokens.get(j);
                String s = t.text();
                if (s.startsWith("-")) {
                    throw error(t, "default options '" + s + "' must come right after the path");
                }
                if (s.startsWith("(")) {
                    throw error(t, "options '" + s + "' without a client (no space between host and '(', or '*"
                            + s + "' for everyone)");
                }
            }
            List<ClientRule> rules = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Integer id = null;
            for (; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                String s = t.text();
                String host = s;
                String opts = null;
                int open = s.indexOf('(');
                if (open >= 0) {
                    int close = s.indexOf(')');
                    if (close != s.length() - 1 || s.indexOf('(', open + 1) >= 0) {
                        throw error(t, "unbalanced parentheses in '" + s + "'");
                    }
                    host = s.substring(0, open);
                    opts = s.substring(open + 1, close);
                } else if (s.indexOf(')') >= 0) {
                    throw error(t, "unbalanced parentheses in '" + s + "'");
                }
                ClientMatcher client = parseClient(t, host);
                if (!seen.add(client.text().toLowerCase(Locale.ROOT))) {
                    throw error(t, "client '" + host + "' appears twice for " + path);
                }
                OptionSet o = defaults.copy();
                if (opts != null) parseOptions(t, opts, o);
                if (o.id != null) {
                    if (id != null && !id.equals(o.id)) {
                        throw error(t, "conflicting ids " + id + " and " + o.id + " for export " + path);
                    }
                    id = o.id;
                }
                rules.add(new ClientRule(client, o.resolve()));
            }
            if (id == null) {
                throw error(pathTok, "export " + path + " has no id (add '-id=N' with N unique in 1..2147483647)");
            }
            return new Export(id, path, rules, pathTok.line());
        }

        private String parsePath(Token t) throws ConfigException {
            String raw = t.text();
            if (raw.startsWith("-") || raw.contains("(")) {
                throw error(t, "a line must start with an absolute export path, not '" + raw + "'");
            }
            String path;
            try {
                path = ExportPaths.normalize(raw);
            } catch (IllegalArgumentException e) {
                throw error(t, "bad export path: " + e.getMessage());
            }
            if (path.getBytes(StandardCharsets.UTF_8).length > ExportPaths.MAX_PATH) {
                throw error(t, "export path longer than " + ExportPaths.MAX_PATH + " bytes");
            }
            return path;
        }

        private void parseOptions(Token t, String list, OptionSet o) throws ConfigException {
            if (list.isEmpty() && t.text().startsWith("-")) throw error(t, "empty default options '-'");
            if (list.isEmpty()) return; // host() is the same as host
            for (String item : list.split(",", -1)) {
                if (item.isEmpty()) throw error(t, "empty option in '" + list + "'");
                int eq = item.indexOf('=');
                String key = eq < 0 ? item : item.substring(0, eq);
                String value = eq < 0 ? null : item.substring(eq + 1);
                switch (key) {
                    case "rw", "ro", "root_squash", "no_root_squash", "all_squash", "no_all_squash", "secure",
                            "insecure" -> {
                        if (value != null) throw error(t, "option '" + key + "' takes no value");
                        switch (key) {
                            case "rw" -> o.readWrite = true;
                            case "ro" -> o.readWrite = false;
                            case "root_squash" -> o.rootSquash = true;
                            case "no_root_squash" -> o.rootSquash = false;
                            case "all_squash" -> o.allSquash = true;
                            case "no_all_squash" -> o.allSquash = false;
                            case "secure" -> o.secure = true;
                            default -> o.secure = false;
                        }
                    }
                    case "anonuid" -> o.anonUid = (int) number(t, key, value, 0, 0xFFFF_FFFFL);
                    case "anongid" -> o.anonGid = (int) number(t, key, value, 0, 0xFFFF_FFFFL);
                    case "id" -> {
                        int id = (int) number(t, key, value, 1, Integer.MAX_VALUE);
                        if (o.id != null && o.id != id) {
                            throw error(t, "conflicting ids " + o.id + " and " + id + " in '" + list + "'");
                        }
                        o.id = id;
                    }
                    default -> throw error(t, "unknown option '" + key + "'");
                }
            }
        }

        private long number(Token t, String key, String value, long min, long max) throws ConfigException {
            if (value == null || value.isEmpty()) throw error(t, "option '" + key + "' needs a value ('" + key + "=N')");
            boolean digits = value.length() <= 10 && value.chars().allMatch(c -> c >= '0' && c <= '9');
            long v = digits ? Long.parseLong(value) : -1;
            if (!digits || v < min || v > max) {
                throw error(t, "bad value for " + key + ": '" + value + "' (expected " + min + ".." + max + ")");
            }
            return v;
        }

        private ClientMatcher parseClient(Token t, String host) throws ConfigException {
            if (host.isEmpty()) throw error(t, "empty client name in '" + t.text() + "'");
            if (host.equals("*")) return new ClientMatcher.Anyone();
            if (host.startsWith("@")) throw error(t, "netgroups are not supported: '" + host + "'");
            int slash = host.indexOf('/');
            if (slash >= 0) return parseCidr(t, host, slash);
            InetAddress v4 = ClientMatcher.Addresses.parseIpv4(host);
            if (v4 != null) return new ClientMatcher.Address(host, v4);
            if (host.indexOf(':') >= 0) {
                InetAddress v6 = ClientMatcher.Addresses.parseIpv6(host);
                if (v6 == null) throw error(t, "bad IPv6 address '" + host + "'");
                return new ClientMatcher.Address(host, v6);
            }
            boolean wild = host.indexOf('*') >= 0 || host.indexOf('?') >= 0;
            boolean numeric = host.chars().allMatch(c -> c == '.' || c == '*' || c == '?' || (c >= '0' && c <= '9'));
            if (numeric && wild) {
                throw error(t, "wildcards match host names, not addresses: '" + host + "' (write a network, e.g. 10.0.0.0/8)");
            }
            if (numeric) throw error(t, "bad IPv4 address '" + host + "'");
            if (!validHostPattern(host)) throw error(t, "bad client '" + host + "'");
            if (wild) return new ClientMatcher.Wildcard(host);
            List<InetAddress> addresses;
            try {
                addresses = resolver.addressesOf(host);
            } catch (UnknownHostException e) {
                addresses = List.of();
            }
            if (addresses.isEmpty()) throw error(t, "cannot resolve host name '" + host + "'");
            return new ClientMatcher.HostName(host, addresses);
        }

        private ClientMatcher parseCidr(Token t, String host, int slash) throws ConfigException {
            String addr = host.substring(0, slash);
            String mask = host.substring(slash + 1);
            InetAddress net = ClientMatcher.Addresses.parseIpv4(addr);
            if (net == null && addr.indexOf(':') >= 0) net = ClientMatcher.Addresses.parseIpv6(addr);
            if (net == null) throw error(t, "bad network address in '" + host + "'");
            int bits = net.getAddress().length * 8;
            int prefix;
            if (!mask.isEmpty() && mask.length() <= 3 && mask.chars().allMatch(c -> c >= '0' && c <= '9')) {
                prefix = Integer.parseInt(mask);
                if (prefix > bits) throw error(t, "bad prefix length in '" + host + "' (0.." + bits + ")");
            } else {
                InetAddress m = bits == 32 ? ClientMatcher.Addresses.parseIpv4(mask) : null;
                prefix = m == null ? -1 : contiguousPrefix(m.getAddress());
                if (prefix < 0) throw error(t, "bad netmask in '" + host + "'");
            }
            byte[] b = net.getAddress();
            byte[] masked = b.clone();
            for (int i = 0; i < masked.length; i++) {
                int keep = Math.max(0, Math.min(8, prefix - i * 8));
                masked[i] &= (byte) ((0xff << (8 - keep)) & 0xff);
            }
            if (!Arrays.equals(b, masked)) {
                throw error(t, "host bits set in network '" + host + "'");
            }
            return new ClientMatcher.Cidr(host, net, prefix);
        }

        private int contiguousPrefix(byte[] mask) {
            int prefix = 0;
            boolean zero = false;
            for (byte by : mask) {
                for (int bit = 7; bit >= 0; bit--) {
                    boolean one = ((by >> bit) & 1) == 1;
                    if (one && zero) return -1;
                    if (one) prefix++;
                    else zero = true;
                }
            }
            return prefix;
        }

        private boolean validHostPattern(String host) {
            if (host.length() > 253) return false;
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '.' || c == '_' || c == '*' || c == '?';
                if (!ok) return false;
            }
            return !host.startsWith(".") && !host.contains("..");
        }
    }
}
