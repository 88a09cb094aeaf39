package org.echofs.core.fs;

/** Object types, numbered as NFSv3 {@code ftype3} (RFC 1813 section 2.5). */
public enum FileType {
    REGULAR(1), DIRECTORY(2), BLOCK(3), CHAR(4), SYMLINK(5), SOCKET(6), FIFO(7);

    private final int code;

    FileType(int code) { this.code = code; }

    /** The ftype3 value. */
    public int code() { return code; }

    /** The type for an ftype3 value, or null when the value is not one. */
    public static FileType fromCode(int code) {
        for (FileType t : values()) {
            if (t.code == code) return t;
        }
        return null;
    }

    /** The S_IFMT bits of this type, for mode words that carry them. */
    public int formatBits() {
        return switch (this) {
            case REGULAR -> 0100000;
            case DIRECTORY -> 0040000;
            case BLOCK -> 0060000;
            case CHAR -> 0020000;
            case SYMLINK -> 0120000;
            case SOCKET -> 0140000;
            case FIFO -> 0010000;
        };
    }
}
