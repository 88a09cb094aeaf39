package org.echofs.core.fs;

/** How durable written data is (NFSv3 {@code stable_how}). Ordered from weakest to strongest. */
public enum Stability {
    UNSTABLE(0), DATA_SYNC(1), FILE_SYNC(2);

    private final int code;

    Stability(int code) { this.code = code; }

    public int code() { return code; }

    public static Stability fromCode(int code) {
        for (Stability s : values()) {
            if (s.code == code) return s;
        }
        return null;
    }
}
