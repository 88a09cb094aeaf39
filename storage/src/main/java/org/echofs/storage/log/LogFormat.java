package org.echofs.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of log segments (format version 1).
 *
 * <pre>
 * segment = header (32 bytes) frame* zero-bytes
 * header  = "ECHOFSLG" (8) | version int (1) | header size int (32) | segment number long | 0 long
 * frame   = payload length int (&gt; 0) | CRC32C int over (lsn, payload) | lsn long | payload
 * </pre>
 * Segments are preallocated with zeros, so a zero length marks the end of the written part; a
 * frame with a bad length or CRC is a torn write and ends the log. Segment files are named
 * {@code seg-<16 hex digits of the segment number>.log}; {@code spare.log} is the next segment,
 * preallocated ahead of need.
 */
public final class LogFormat {

    public static final int HEADER_BYTES = 32;
    public static final int FRAME_OVERHEAD = 16;
    public static final int VERSION = 1;
    static final byte[] MAGIC = "ECHOFSLG".getBytes(StandardCharsets.US_ASCII);
    static final String SPARE = "spare.log";
    static final String SPARE_TMP = "spare.tmp";

    private LogFormat() { }

    static Path segmentPath(Path dir, long seq) {
        return dir.resolve(String.format("seg-%016x.log", seq));
    }

    /** The segment number of a segment file name, or -1 when the name is not one. */
    static long segmentNumber(String fileName) {
        if (!fileName.startsWith("seg-") || !fileName.endsWith(".log") || fileName.length() != 4 + 16 + 4) return -1;
        try {
            return Long.parseUnsignedLong(fileName.substring(4, 20), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static ByteBuffer header(long seq) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.put(MAGIC).putInt(VERSION).putInt(HEADER_BYTES).putLong(seq).putLong(0);
        return b.flip();
    }

    /** True when the header at the start of {@code ch} is a valid one for segment {@code seq}. */
    static boolean validHeader(FileChannel ch, long seq) throws IOException {
        if (ch.size() < HEADER_BYTES) return false;
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        readFully(ch, b, 0);
        b.flip();
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        return java.util.Arrays.equals(magic, MAGIC) && b.getInt() == VERSION && b.getInt() == HEADER_BYTES
                && b.getLong() == seq;
    }

    static int crc(CRC32C crc, long lsn, byte[] payload, int off, int len) {
        crc.reset();
        for (int i = 56; i >= 0; i -= 8) crc.update((int) (lsn >>> i) & 0xff);
        crc.update(payload, off, len);
        return (int) crc.getValue();
    }

    static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            pos += n;
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) pos += ch.write(b, pos);
    }

    /** Writes {@code bytes} zero bytes to a new file {@code path} and forces it to disk. */
    static void preallocate(Path path, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            long pos = 0;
            while (pos < bytes) {
                zeros.clear();
                if (bytes - pos < zeros.capacity()) zeros.limit((int) (bytes - pos));
                int n = ch.write(zeros, pos);
                pos += n;
            }
            ch.force(true);
        }
    }

    /** Forces a directory's entries (new, renamed, removed files) to disk. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
