package org.echofs.gateway.export;

import org.echofs.core.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportsParserTest {

    private final FakeResolver resolver = new FakeResolver()
            .host("anyhost.example.org", "10.7.7.7")
            .host("my_host-1.lab", "10.8.8.8", "fd00::8")
            .name("192.0.2.5", "www.example.com")
            .name("10.6.6.6", "host7.lab")
            .name("10.6.6.7", "other.lab");
    private final ExportsParser parser = new ExportsParser(resolver, new ManualClock(0));

    private static String resource(String name) throws IOException {
        try (InputStream in = ExportsParserTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InetSocketAddress client(String address, int port) {
        return new InetSocketAddress(FakeResolver.addr(address), port);
    }

    private ExportTable valid() throws Exception {
        return parser.parse("exports-valid", resource("exports-valid"));
    }

    @Test
    void validFileParsesEveryExport() throws Exception {
        ExportTable t = valid();
        assertEquals(19, t.exports().size());
        assertEquals(List.of("/export", "/data", "/with space", "/a/b/c", "/cont", "/ids", "/ids2", "/mapped",
                "/zero", "/sq", "/empty-opts", "/tabs", "/", "/export/nested", "/host6", "/under_score-dash.dir",
                "/anon", "/x-secure", "/continued-path"), t.exports().stream().map(Export::path).toList());
        for (Export e : t.exports()) assertEquals(e, t.byId(e.id()));
        assertEquals(2147483647, t.byPath("/zero").id());
        assertEquals(6, t.byPath("/ids").id());
        assertEquals(7, t.byPath("/ids2").id());
        assertEquals(18, t.byPath("/continued-path").id());
        assertEquals(8, t.byPath("/cont").line(), "an export's line is where it starts");
    }

    @Test
    void dashDefaultsApplyAndClientOptionsOverride() throws Exception {
        Export e = valid().byPath("/export");
        assertEquals(List.of("127.0.0.1", "10.0.0.0/8", "*.example.com", "*"),
                e.rules().stream().map(r -> r.client().text()).toList(), "most specific first");
        ExportOptions local = e.rules().get(0).options();
        assertEquals(new ExportOptions(true, false, false, 65534, 65534, false), local);
        ExportOptions ten = e.rules().get(1).options();
        assertEquals(new ExportOptions(false, true, false, 65534, 65534, true), ten);
        ExportOptions example = e.rules().get(2).options();
        assertEquals(new ExportOptions(true, true, true, 1000, 1000, true), example);
        assertFalse(e.rules().get(3).options().readWrite(), "*(ro) overrides the line's rw");
    }

    @Test
    void continuationsNetmasksAndUnsignedIds() throws Exception {
        Export e = valid().byPath("/cont");
        assertEquals(2, e.rules().size());
        assertEquals(new ExportOptions(true, true, false, 65534, 65534, false), e.rules().get(0).options());
        ClientMatcher.Cidr net = assertInstanceOf(ClientMatcher.Cidr.class, e.rules().get(1).client());
        assertEquals(12, net.prefix());
        assertEquals(-2, e.rules().get(1).options().anonUid(), "4294967294 is uid -2 as a 32-bit value");
        assertFalse(e.rules().get(1).options().secure(), "dash default insecure applies");
    }

    @Test
    void lastContraryOptionWinsAndEmptyParenthesesAreDefaults() throws Exception {
        ExportTable t = valid();
        assertEquals(new ExportOptions(false, false, false, 65534, 65534, true), t.byPath("/sq").rules().get(0).options());
        assertEquals(ExportOptions.DEFAULTS, t.byPath("/empty-opts").rules().get(0).options());
        assertEquals(ExportOptions.DEFAULTS, t.byPath("/empty-opts").rules().get(1).options());
        assertTrue(t.byPath("/x-secure").rules().get(0).options().secure());
    }

    @Test
    void quotedPathsTabsAndNormalizedPaths() throws Exception {
        ExportTable t = valid();
        assertEquals(3, t.byPath("/with space").id());
        assertEquals(11, t.byPath("/tabs").id());
        assertEquals(4, t.byPath("/a//b/c/").id(), "look-ups normalize too");
        assertEquals(2, t.byPath("/data").id());
    }

    @Test
    void addressFamiliesMatch() throws Exception {
        ExportTable t = valid();
        assertNotNull(t.access(t.byPath("/data"), client("::1", 700)));
        assertTrue(t.access(t.byPath("/data"), client("fd12::34", 4000)).readWrite());
        assertNull(t.access(t.byPath("/data"), client("127.0.0.1", 700)));
        assertNotNull(t.access(t.byPath("/mapped"), client("10.9.9.9", 700)));
        assertNotNull(t.access(t.byPath("/mapped"), new InetSocketAddress(mapped("10.9.9.9"), 700)),
                "an IPv4-mapped peer address matches IPv4 rules");
        assertNotNull(t.access(t.byPath("/zero"), client("203.0.113.9", 700)));
        assertNull(t.access(t.byPath("/zero"), client("2001:db8::9", 700)), "0.0.0.0/0 is IPv4 only");
        Export host6 = t.byPath("/host6");
        assertFalse(t.access(host6, client("2001:db8::1", 700)).readWrite(), "exact beats the /32");
        assertTrue(t.access(host6, client("2001:db8::2", 700)).readWrite());
        assertNotNull(t.access(host6, client("64:ff9b::a00:1", 700)));
    }

    private static InetAddress mapped(String v4) throws Exception {
        byte[] four = InetAddress.getByName(v4).getAddress();
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(four, 0, b, 12, 4);
        return java.net.Inet6Address.getByAddress(null, b, -1);
    }

    @Test
    void hostNamesResolveAtParseTime() throws Exception {
        ExportTable t = valid();
        Export e = t.byPath("/under_score-dash.dir");
        ClientMatcher.HostName h = assertInstanceOf(ClientMatcher.HostName.class, e.rules().get(0).client());
        assertEquals(2, h.addresses().size());
        assertNotNull(t.access(e, client("10.8.8.8", 700)));
        assertNotNull(t.access(e, client("fd00::8", 700)));
        assertNull(t.access(e, client("10.8.8.9", 700)));
        assertEquals(0, resolver.reverseLookups.get(), "no reverse look-up without wildcard rules");
    }

    @Test
    void wildcardsMatchReverseNamesCaseInsensitively() throws Exception {
        ExportTable t = valid();
        Export c = t.byPath("/a/b/c");
        assertTrue(t.access(c, client("10.6.6.6", 700)).readWrite(), "host7.lab matches host?.lab");
        assertFalse(t.access(c, client("10.6.6.7", 700)).readWrite(), "other.lab matches only *.lab");
        assertNull(t.access(c, client("192.0.2.5", 700)), "www.example.com matches neither");
        assertNull(t.access(c, client("10.0.0.99", 700)), "no name, no wildcard match");
        Export export = t.byPath("/export");
        assertTrue(t.access(export, client("192.0.2.5", 700)).allSquash(), "*.example.com beats *");
    }

    @Test
    void parseFromFileNamesTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("exports");
        Files.writeString(f, "/ok -id=1 *(ro)\n/bad -id=2 *(rw,bogus)\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse(f));
        assertEquals(f + ":2: unknown option 'bogus'", e.getMessage());
        assertEquals(2, e.line());
        ConfigException missing = assertThrows(ConfigException.class, () -> parser.parse(dir.resolve("none")));
        assertTrue(missing.getMessage().startsWith(dir.resolve("none") + ": cannot read"), missing.getMessage());
    }

    static Stream<Arguments> errorCases() throws IOException {
        return resource("exports-errors").lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> {
                    String[] parts = l.split(" \\|\\|\\| ", 2);
                    return Arguments.of(parts[0], parts[1]);
                });
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("errorCases")
    void everyErrorNamesFileAndLine(String expected, String line) {
        String text = "# two valid lines come first\n/ok -id=100 *(ro)\n" + line + "\n/after -id=200 *(ro)\n";
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse("conf/exports", text));
        assertTrue(e.getMessage().startsWith("conf/exports:3: " + expected), e.getMessage());
        assertEquals(3, e.line());
        assertEquals("conf/exports", e.file());
    }

    @Test
    void errorsInsideContinuationsNameThePhysicalLine() {
        String text = "/a -id=1 \\\n  10.0.0.0/8(ro) \\\n  *(bogus)\n";
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse("f", text));
        assertEquals("f:3: unknown option 'bogus'", e.getMessage());
        ConfigException noId = assertThrows(ConfigException.class, () -> parser.parse("f", "\n/a \\\n *(ro)\n"));
        assertEquals("f:2: export /a has no id (add '-id=N' with N unique in 1..2147483647)", noId.getMessage());
    }

    @Test
    void continuationAtEndOfFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse("f", "/a -id=1 *(ro) \\"));
        assertEquals("f:1: line continuation '\\' at end of file", e.getMessage());
    }

    @Test
    void windowsLineEndingsAndControlCharacters() throws Exception {
        ExportTable t = parser.parse("f", "/a -id=1 *(ro)\r\n/b -id=2 *(rw)\r\n");
        assertEquals(2, t.exports().size());
        ConfigException e = assertThrows(ConfigException.class, () -> parser.parse("f", "/a -id=1 *(ro)\n/b\u0007 -id=2 *\n"));
        assertEquals("f:2: control character U+0007", e.getMessage());
    }

    @Test
    void emptyFileGivesEmptyTable() throws Exception {
        assertTrue(parser.parse("f", "# nothing\n\n").exports().isEmpty());
    }

    @Test
    void describePrintsEffectiveOptions() throws Exception {
        ExportTable t = parser.parse("f", "/e -id=7,rw 10.0.0.0/8(insecure) *\n");
        assertEquals("/e 10.0.0.0/8(rw,root_squash,anonuid=65534,anongid=65534,insecure,id=7)"
                + " *(rw,root_squash,anonuid=65534,anongid=65534,secure,id=7)\n", t.describe());
    }
}
