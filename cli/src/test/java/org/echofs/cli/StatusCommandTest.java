package org.echofs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.echofs.cli.config.Addresses;
import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.GatewayInfo;
import org.echofs.cli.node.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusCommandTest {

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    private RunFiles runFiles() {
        return new RunFiles(new DataDir(tmp.resolve("var/echofs")));
    }

    private static GatewayInfo info(long pid, Path dir) {
        return GatewayInfo.of(pid, new InetSocketAddress(Addresses.parse("127.0.0.1"), 2049), "/export", null,
                new InetSocketAddress(Addresses.parse("127.0.0.1"), 9100), dir.toString(), "now");
    }

    @Test
    void liveGatewayIsReportedAsJsonWithExit0() throws Exception {
        long self = ProcessHandle.current().pid();
        RunFiles run = runFiles();
        run.writePid(self);
        run.writeInfo(info(self, run.dir().root()));

        CliRun r = CliRun.run(TestEnv.in(tmp), "status", "--json");

        assertEquals(0, r.exit(), r.toString());
        JsonNode root = json.readTree(r.out());
        assertEquals(1, root.size());
        JsonNode nodes = root.get("nodes");
        assertEquals(1, nodes.size());
        JsonNode g = nodes.get(0);
        assertEquals("gateway", g.get("name").asText());
        assertEquals("gateway", g.get("role").asText());
        assertEquals(self, g.get("pid").asLong());
        assertTrue(g.get("alive").asBoolean());
        assertEquals("nfs://127.0.0.1/export?nfsport=2049&mountport=2049&version=3", g.get("url").asText());
        assertEquals("mount -t nfs -o vers=3,proto=tcp,port=2049,mountport=2049,nolock 127.0.0.1:/export /mnt",
                g.get("mount").asText());
        assertEquals("http://127.0.0.1:9100/metrics", g.get("metrics").asText());
        assertEquals(tmp.resolve("var/echofs").toString(), g.get("dir").asText());
    }

    @Test
    void deadGatewayIsNotAliveWithExit1() throws Exception {
        long dead = TestEnv.deadPid();
        RunFiles run = runFiles();
        run.writePid(dead);
        run.writeInfo(info(dead, run.dir().root()));

        CliRun r = CliRun.run(TestEnv.in(tmp), "status", "--json");

        assertEquals(1, r.exit(), r.toString());
        JsonNode g = json.readTree(r.out()).get("nodes").get(0);
        assertEquals(dead, g.get("pid").asLong());
        assertEquals(false, g.get("alive").asBoolean());
        assertEquals("gateway", g.get("name").asText());
    }

    @Test
    void stoppedGatewayHasNullPidAndExit1() throws Exception {
        new DataDir(tmp.resolve("var/echofs")).create();
        CliRun r = CliRun.run(TestEnv.in(tmp), "status", "--json");
        assertEquals(1, r.exit(), r.toString());
        JsonNode g = json.readTree(r.out()).get("nodes").get(0);
        assertTrue(g.get("pid").isNull());
        assertTrue(g.get("url").isNull());
        assertEquals(false, g.get("alive").asBoolean());
    }

    @Test
    void infoOfAnotherPidIsIgnored() throws Exception {
        long self = ProcessHandle.current().pid();
        RunFiles run = runFiles();
        run.writePid(self);
        run.writeInfo(info(self + 1, run.dir().root()));
        JsonNode g = json.readTree(CliRun.run(TestEnv.in(tmp), "status", "--json").out()).get("nodes").get(0);
        assertTrue(g.get("url").isNull());
    }

    @Test
    void nothingEverStartedExits3() throws Exception {
        CliRun r = CliRun.run(TestEnv.in(tmp), "status", "--json");
        assertEquals(3, r.exit(), r.toString());
        assertEquals(0, json.readTree(r.out()).get("nodes").size());
        CliRun human = CliRun.run(TestEnv.in(tmp), "status", "--dir", "elsewhere");
        assertEquals(3, human.exit());
        assertTrue(human.out().contains("nothing was started in " + tmp.resolve("elsewhere")), human.toString());
    }

    @Test
    void humanTable() throws Exception {
        long self = ProcessHandle.current().pid();
        RunFiles run = runFiles();
        run.writePid(self);
        run.writeInfo(info(self, run.dir().root()));
        CliRun r = CliRun.run(TestEnv.in(tmp), "status");
        assertEquals(0, r.exit());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].matches("NAME +ROLE +PID +ALIVE +URL"), lines[0]);
        assertTrue(lines[1].matches("gateway +gateway +" + self + " +yes +nfs://127\\.0\\.0\\.1/export\\?.*"), lines[1]);
    }
}
