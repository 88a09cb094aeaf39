package org.echofs.cli.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The cluster secret: {@value #LENGTH} random bytes in a file of mode 0600 that key the MAC of
 * every file handle. Created once, on the first {@code echofs up}; losing or changing it makes
 * every handle clients hold fail with BADHANDLE. Stateless; failures are {@link IOException}s
 * whose message says what is wrong with the file.
 */
public final class ClusterSecret {

    public static final int LENGTH = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private ClusterSecret() {
    }

    /**
     * Creates the secret at {@code file} unless it exists. The bytes are written to a temporary
     * file of mode 0600, forced to disk and renamed into place, so a crash never leaves a short
     * secret. Returns true when it created the file.
     */
    public static boolean ensure(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            load(file);
            return false;
        }
        byte[] secret = new byte[LENGTH];
        random.nextBytes(secret);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            ch.write(ByteBuffer.wrap(secret));
            ch.force(true);
        }
        Files.setPosixFilePermissions(tmp, OWNER_ONLY);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot create " + file + ": " + e.getMessage(), e);
        }
        return true;
    }

    /**
     * Reads the secret and checks it: exactly {@value #LENGTH} bytes, readable by its owner only.
     */
    public static byte[] load(Path file) throws IOException {
        byte[] bytes;
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                throw new IOException(file + " is mode " + PosixFilePermissions.toString(perms)
                        + "; the cluster secret must be readable by its owner only (chmod 600 " + file + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist (echofs up creates it)", e);
        }
        if (bytes.length != LENGTH) {
            throw new IOException(file + " has " + bytes.length + " bytes; a cluster secret has " + LENGTH);
        }
        return bytes;
    }
}
