package org.echofs.cli.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSecretTest {

    @TempDir
    Path tmp;

    @Test
    void createsThirtyTwoRandomBytesReadableByTheOwnerOnly() throws Exception {
        Path file = tmp.resolve("cluster.secret");
        assertTrue(ClusterSecret.ensure(file, new SecureRandom()));
        assertEquals(32, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        byte[] secret = ClusterSecret.load(file);
        assertEquals(32, secret.length);
        assertFalse(java.util.Arrays.equals(new byte[32], secret));
        assertFalse(Files.exists(tmp.resolve("cluster.secret.tmp")));
    }

    @Test
    void secondRunKeepsTheSameSecret() throws Exception {
        Path file = tmp.resolve("cluster.secret");
        ClusterSecret.ensure(file, new SecureRandom());
        byte[] first = Files.readAllBytes(file);
        assertFalse(ClusterSecret.ensure(file, new SecureRandom()));
        assertArrayEquals(first, Files.readAllBytes(file));
    }

    @Test
    void twoDirectoriesGetDifferentSecrets() throws Exception {
        SecureRandom random = new SecureRandom();
        ClusterSecret.ensure(tmp.resolve("a"), random);
        ClusterSecret.ensure(tmp.resolve("b"), random);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("a")), Files.readAllBytes(tmp.resolve("b"))));
    }

    @Test
    void refusesAShortSecret() throws Exception {
        Path file = tmp.resolve("cluster.secret");
        Files.write(file, new byte[5]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        IOException e = assertThrows(IOException.class, () -> ClusterSecret.load(file));
        assertTrue(e.getMessage().contains("has 5 bytes"), e.getMessage());
        assertThrows(IOException.class, () -> ClusterSecret.ensure(file, new SecureRandom()));
    }

    @Test
    void refusesASecretOthersCanRead() throws Exception {
        Path file = tmp.resolve("cluster.secret");
        ClusterSecret.ensure(file, new SecureRandom());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> ClusterSecret.load(file));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void missingSecretSaysWhoCreatesIt() {
        IOException e = assertThrows(IOException.class, () -> ClusterSecret.load(tmp.resolve("none")));
        assertTrue(e.getMessage().contains("echofs up creates it"), e.getMessage());
    }
}
