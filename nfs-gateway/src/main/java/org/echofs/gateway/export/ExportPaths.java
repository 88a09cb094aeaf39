package org.echofs.gateway.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Paths inside a volume's namespace, as exports and MOUNT requests name them. Pure functions. */
public final class ExportPaths {

    /** The longest path MOUNT accepts (MNTPATHLEN). */
    public static final int MAX_PATH = 1024;

    /** The longest component, in bytes of UTF-8. */
    public static final int MAX_NAME = 255;

    private ExportPaths() { }

    /**
     * The components of an absolute path: empty components (from "//" or a trailing "/") are
     * dropped. Throws {@link IllegalArgumentException} with a reason for a relative path, a "."
     * or ".." component, a NUL, or a component over {@value #MAX_NAME} bytes.
     */
    public static List<String> components(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            throw new IllegalArgumentException("path must be absolute: '" + path + "'");
        }
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty()) continue;
            if (c.equals(".") || c.equals("..")) {
                throw new IllegalArgumentException("path must not contain '" + c + "': '" + path + "'");
            }
            if (c.indexOf('\0') >= 0) throw new IllegalArgumentException("path contains NUL");
            if (c.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
                throw new IllegalArgumentException("path component longer than " + MAX_NAME + " bytes");
            }
            out.add(c);
        }
        return out;
    }

    /** True when some '/'-separated component of {@code path} is over {@value #MAX_NAME} bytes. */
    public static boolean hasLongComponent(String path) {
        for (String c : path.split("/")) {
            if (c.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) return true;
        }
        return false;
    }

    /** The normalized form of an absolute path ("/a//b/" gives "/a/b"); see {@link #components}. */
    public static String normalize(String path) {
        List<String> c = components(path);
        return c.isEmpty() ? "/" : "/" + String.join("/", c);
    }

    /** Like {@link #normalize} but null instead of an exception. */
    public static String normalizeOrNull(String path) {
        try {
            return normalize(path);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
