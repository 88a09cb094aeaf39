package org.echofs.cli;

import org.echofs.cli.node.DataDir;
import org.echofs.cli.node.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FsckCommandTest {

    @TempDir
    Path tmp;

    @Test
    void refusesAVolumeInUse() throws Exception {
        DataDir dir = new DataDir(tmp.resolve("d"));
        Files.createDirectories(dir.volume());
        Process gateway = TestEnv.fakeGatewayProcess(dir.config(), false);
        try {
            new RunFiles(dir).writePid(gateway.pid());
            CliRun r = CliRun.run(TestEnv.in(tmp), "fsck", "--dir", "d");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("in use by the running gateway (pid " + gateway.pid() + ")"), r.toString());
        } finally {
            gateway.destroyForcibly();
        }
    }

    @Test
    void missingVolumeCannotBeChecked() {
        CliRun r = CliRun.run(TestEnv.in(tmp), "fsck", "--dir", "d");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("there is no volume at " + tmp.resolve("d/volume")), r.toString());
    }
}
