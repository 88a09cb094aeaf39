package org.echofs.gateway.export;

import org.echofs.core.fs.Caller;
import org.echofs.core.time.ManualClock;
import org.echofs.gateway.rpc.Credential;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ExportTableTest {

    private final ManualClock clock = new ManualClock(0);
    private final FakeResolver resolver = new FakeResolver()
            .host("named.lab", "10.1.1.1")
            .name("10.1.1.1", "named.lab")
            .name("10.1.1.2", "a.b.example.com")
            .name("10.1.1.3", "c.example.com.")
            .name("192.0.2.1", "HOST1.LAB")
            .name("192.0.2.2", "host22.lab");

    private ExportTable parse(String text) throws ConfigException {
        return new ExportsParser(resolver, clock).parse("t", text);
    }

    private static InetSocketAddress at(String a) {
        return new InetSocketAddress(FakeResolver.addr(a), 700);
    }

    /** Which rule (by anonuid) serves {@code client}. */
    private static int rule(ExportTable t, String client) {
        ExportOptions o = t.access(t.exports().get(0), at(client));
        return o == null ? -1 : o.anonUid();
    }

    @Test
    void mostSpecificRuleWins() throws Exception {
        ExportTable t = parse("/e -id=1 *(anonuid=1) *.lab(anonuid=2) *.example.com(anonuid=3) a.*.example.com(anonuid=4)"
                + " named.lab(anonuid=5) 10.0.0.0/8(anonuid=6) 10.1.0.0/16(anonuid=7) 10.1.1.1(anonuid=8)\n");
        assertEquals(8, rule(t, "10.1.1.1"), "exact address beats everything");
        assertEquals(7, rule(t, "10.1.1.2"), "the longest prefix beats names");
        assertEquals(6, rule(t, "10.2.0.1"));
        assertEquals(1, rule(t, "192.0.2.9"), "an unnamed client matches only *");
        assertEquals(2, rule(t, "192.0.2.1"), "names match case-insensitively");
    }

    @Test
    void hostNameBeatsWildcardsAndMoreLiteralsWin() throws Exception {
        ExportTable t = parse("/e -id=1 *(anonuid=1) *.example.com(anonuid=3) a.*.example.com(anonuid=4) named.lab(anonuid=5)"
                + " *.lab(anonuid=2)\n");
        assertEquals(5, rule(t, "10.1.1.1"), "named.lab as host name beats *.lab");
        assertEquals(4, rule(t, "10.1.1.2"), "a.*.example.com has more literal characters");
        assertEquals(3, rule(t, "10.1.1.3"), "a trailing dot of the resolved name is ignored");
        assertEquals(2, rule(t, "192.0.2.2"));
    }

    @Test
    void questionMarkMatchesOneCharacter() throws Exception {
        ExportTable t = parse("/e -id=1 host?.lab(anonuid=9)\n");
        assertEquals(9, rule(t, "192.0.2.1"));
        assertEquals(-1, rule(t, "192.0.2.2"), "host22 has two characters where ? wants one");
    }

    @Test
    void noMatchingRuleIsNull() throws Exception {
        ExportTable t = parse("/e -id=1 10.0.0.0/8(rw)\n");
        assertNull(t.access(t.exports().get(0), at("11.0.0.1")));
    }

    @Test
    void reverseNamesAreLookedUpLazilyAndCachedForAWhile() throws Exception {
        ExportTable t = parse("/e -id=1 10.0.0.0/8(anonuid=6) *.lab(anonuid=2) *(anonuid=1)\n");
        assertEquals(6, rule(t, "10.1.1.1"));
        assertEquals(1, rule(t, "172.16.0.1"));
        assertEquals(1, resolver.reverseLookups.get(), "only the client that reached the wildcard was resolved");
        assertEquals(1, rule(t, "172.16.0.1"));
        assertEquals(1, resolver.reverseLookups.get(), "a name that did not resolve is cached too");
        clock.advance(ExportTable.NAME_CACHE_TTL_NANOS + 1);
        assertEquals(1, rule(t, "172.16.0.1"));
        assertEquals(2, resolver.reverseLookups.get(), "expired entries are looked up again");
    }

    @Test
    void nameCacheIsBounded() {
        ReverseNameCache cache = new ReverseNameCache(resolver, clock, 2, Long.MAX_VALUE);
        cache.nameOf(FakeResolver.addr("10.0.0.1"));
        cache.nameOf(FakeResolver.addr("10.0.0.2"));
        cache.nameOf(FakeResolver.addr("10.0.0.1"));
        cache.nameOf(FakeResolver.addr("10.0.0.3"));
        assertEquals(2, cache.size());
        int before = resolver.reverseLookups.get();
        cache.nameOf(FakeResolver.addr("10.0.0.1"));
        assertEquals(before, resolver.reverseLookups.get(), "recently used entry kept");
        cache.nameOf(FakeResolver.addr("10.0.0.2"));
        assertEquals(before + 1, resolver.reverseLookups.get(), "least recently used entry evicted");
    }

    @Test
    void forPathTakesTheLongestPrefixAtAComponentBoundary() throws Exception {
        ExportTable t = parse("/export -id=1 *\n/export/sub -id=2 *\n/data -id=3 *\n");
        assertEquals(1, t.forPath("/export").id());
        assertEquals(1, t.forPath("/export/other/deep").id());
        assertEquals(2, t.forPath("/export/sub").id());
        assertEquals(2, t.forPath("/export/sub/x").id());
        assertEquals(1, t.forPath("/export/subway").id(), "not a component boundary");
        assertNull(t.forPath("/exported"));
        assertNull(t.forPath("/"));
        assertNull(t.forPath("relative/export"));
        assertNull(t.forPath("/export/../data"));
        assertEquals(2, t.forPath("//export//sub/").id());
        ExportTable root = parse("/ -id=9 *\n");
        assertEquals(9, root.forPath("/anything/at/all").id());
        assertEquals(9, root.forPath("/").id());
    }

    @Test
    void byIdAndByPath() throws Exception {
        ExportTable t = parse("/export -id=1 *\n");
        assertSame(t.byId(1), t.byPath("/export/"));
        assertNull(t.byId(2));
        assertNull(t.byPath("/nope"));
    }

    @Test
    void squashing() {
        Credential root = new Credential.Sys(0, "m", 0, 0, new int[] {0, 5});
        Credential user = new Credential.Sys(0, "m", 1000, 100, new int[] {100, 0});
        ExportOptions rootSquash = new ExportOptions(true, true, false, 65534, 65533, true);
        assertEquals(new Caller(65534, 65533, new int[] {65533, 5}), rootSquash.squash(root));
        assertEquals(new Caller(1000, 100, new int[] {100, 65533}), rootSquash.squash(user),
                "gid 0 among the supplementary groups is squashed too");
        ExportOptions noSquash = new ExportOptions(true, false, false, 65534, 65534, true);
        assertEquals(new Caller(0, 0, new int[] {0, 5}), noSquash.squash(root));
        ExportOptions all = new ExportOptions(true, false, true, 1000, 1001, true);
        assertEquals(new Caller(1000, 1001, new int[0]), all.squash(user));
        assertEquals(new Caller(65534, 65533, new int[0]), rootSquash.squash(Credential.NONE),
                "AUTH_NONE runs as the anonymous user");
    }

    @Test
    void securePorts() {
        assertEquals(true, ExportOptions.DEFAULTS.allowsPort(1023));
        assertEquals(false, ExportOptions.DEFAULTS.allowsPort(1024));
        assertEquals(true, new ExportOptions(false, true, false, 1, 1, false).allowsPort(40000));
    }
}
