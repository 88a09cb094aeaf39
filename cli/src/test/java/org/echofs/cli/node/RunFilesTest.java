package org.echofs.cli.node;

import org.echofs.cli.config.Addresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunFilesTest {

    @TempDir
    Path tmp;

    private GatewayInfo info(long pid) {
        return GatewayInfo.of(pid, new InetSocketAddress(Addresses.parse("127.0.0.1"), 2049), "/export",
                new InetSocketAddress(Addresses.parse("127.0.0.1"), 111),
                new InetSocketAddress(Addresses.parse("127.0.0.1"), 9100), tmp.toString(), "2026-01-01T00:00:00Z");
    }

    @Test
    void pidAndInfoRoundTrip() throws Exception {
        RunFiles run = new RunFiles(new DataDir(tmp));
        assertFalse(run.everStarted());
        assertEquals(OptionalLong.empty(), run.readPid());
        assertEquals(Optional.empty(), run.readInfo());
        run.writePid(1234);
        run.writeInfo(info(1234));
        assertTrue(run.everStarted());
        assertEquals(OptionalLong.of(1234), run.readPid());
        assertEquals(Optional.of(info(1234)), run.readInfo());
        assertEquals(Optional.of(info(1234)), run.readInfoOf(1234));
        assertEquals(Optional.empty(), run.readInfoOf(99));
        assertEquals("1234\n", Files.readString(tmp.resolve("run/gateway.pid")));
        String json = Files.readString(tmp.resolve("run/gateway.json"));
        assertTrue(json.contains("\"nfsPort\" : 2049"), json);
        assertTrue(json.contains("\"portmapPort\" : 111"), json);
    }

    @Test
    void garbageReadsAsAbsent() throws Exception {
        DataDir dir = new DataDir(tmp);
        dir.create();
        Files.writeString(dir.pidFile(), "not a pid");
        Files.writeString(dir.infoFile(), "{broken");
        RunFiles run = new RunFiles(dir);
        assertEquals(OptionalLong.empty(), run.readPid());
        assertEquals(Optional.empty(), run.readInfo());
    }

    @Test
    void clearIfOwnedByKeepsAnotherGatewaysFiles() throws Exception {
        RunFiles run = new RunFiles(new DataDir(tmp));
        run.writePid(7);
        run.writeInfo(info(7));
        run.clearIfOwnedBy(8);
        assertEquals(OptionalLong.of(7), run.readPid());
        assertTrue(run.readInfo().isPresent());
        run.clearIfOwnedBy(7);
        assertEquals(OptionalLong.empty(), run.readPid());
        assertEquals(Optional.empty(), run.readInfo());
        assertTrue(run.everStarted());
    }
}
