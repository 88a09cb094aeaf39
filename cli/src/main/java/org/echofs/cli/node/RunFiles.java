package org.echofs.cli.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The files under {@code run/} that tell other commands about a running gateway: the pid file
 * ({@code gateway.pid}) and the serving record ({@code gateway.json}). Writes go through a
 * temporary file and an atomic rename, so a reader never sees half a file. An unreadable or
 * malformed file reads as absent. Not for concurrent writers of the same directory.
 */
public final class RunFiles {

    private final DataDir dir;
    private final ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public RunFiles(DataDir dir) {
        this.dir = dir;
    }

    public DataDir dir() {
        return dir;
    }

    /** True once anything was ever launched in this directory (its {@code run/} exists). */
    public boolean everStarted() {
        return Files.isDirectory(dir.run());
    }

    public OptionalLong readPid() {
        try {
            String text = Files.readString(dir.pidFile(), StandardCharsets.US_ASCII).trim();
            long pid = Long.parseLong(text);
            return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public void writePid(long pid) throws IOException {
        atomicWrite(dir.pidFile(), (pid + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    public Optional<GatewayInfo> readInfo() {
        try {
            return Optional.of(json.readValue(Files.readAllBytes(dir.infoFile()), GatewayInfo.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void writeInfo(GatewayInfo info) throws IOException {
        atomicWrite(dir.infoFile(), toJson(info).getBytes(StandardCharsets.UTF_8));
    }

    String toJson(Object value) throws JsonProcessingException {
        return json.writeValueAsString(value) + "\n";
    }

    /** The running gateway's record, if it belongs to the pid in the pid file. */
    public Optional<GatewayInfo> readInfoOf(long pid) {
        return readInfo().filter(i -> i.pid() == pid);
    }

    /** Removes both files. */
    public void clear() throws IOException {
        Files.deleteIfExists(dir.infoFile());
        Files.deleteIfExists(dir.pidFile());
    }

    /** Removes the files only if they name {@code pid} (so a newer gateway's files survive). */
    public void clearIfOwnedBy(long pid) throws IOException {
        if (readInfo().map(i -> i.pid() == pid).orElse(false)) {
            Files.deleteIfExists(dir.infoFile());
        }
        OptionalLong recorded = readPid();
        if (recorded.isPresent() && recorded.getAsLong() == pid) {
            Files.deleteIfExists(dir.pidFile());
        }
    }

    private static void atomicWrite(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + ProcessHandle.current().pid());
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
