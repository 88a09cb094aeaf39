package org.echofs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The shipped defaults ({@code conf/} of the repository) embedded in the jar. Stateless. */
final class DefaultFiles {

    private DefaultFiles() {
    }

    /** The default exports file, {@code conf/exports}. */
    static String exports() throws IOException {
        return read("exports");
    }

    /** The commented example configuration, {@code conf/gateway.example.yaml}. */
    static String exampleConfig() throws IOException {
        return read("gateway.example.yaml");
    }

    private static String read(String name) throws IOException {
        try (InputStream in = DefaultFiles.class.getResourceAsStream("conf/" + name)) {
            if (in == null) {
                throw new IOException("the default " + name + " is missing from the echofs jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
