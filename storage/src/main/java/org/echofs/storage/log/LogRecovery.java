package org.echofs.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the log at start-up: finds the segments, hands every valid record with an LSN above the
 * applied LSN to a consumer in order, ends the log at the first torn or invalid frame (and
 * erases what follows it, so that stale bytes can never be read as records later), and reports
 * where appending continues. Not thread-safe; runs before the writer starts.
 */
public final class LogRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    /** Receives replayed records. */
    @FunctionalInterface
    public interface Replayer {
        void apply(LogEntry entry) throws Exception;
    }

    /** One segment file: its number, path and the LSN of its first record (-1 while it has none). */
    public static final class Segment {
        final long seq;
        final Path path;
        volatile long firstLsn;

        Segment(long seq, Path path, long firstLsn) {
            this.seq = seq;
            this.path = path;
            this.firstLsn = firstLsn;
        }

        public long seq() { return seq; }

        public Path path() { return path; }

        public long firstLsn() { return firstLsn; }
    }

    /**
     * What recovery found.
     *
     * @param segments      the remaining segments in order; the last one is where appends continue
     *                      (empty when the log directory held none)
     * @param position      the byte offset in the last segment where the next frame goes
     * @param lastLsn       the LSN of the last valid record (0 when none)
     * @param replayed      records handed to the replayer
     * @param truncatedTail true when a torn or invalid frame ended the log
     */
    public record Result(List<Segment> segments, long position, long lastLsn, int replayed, boolean truncatedTail) { }

    private LogRecovery() { }

    /**
     * Scans the log in {@code dir}, replaying records with LSN &gt; {@code appliedLsn}.
     *
     * @throws IOException when a segment cannot be read, a segment other than the last is damaged,
     *                     records after {@code appliedLsn} are missing, or the replayer fails
     */
    public static Result recover(Path dir, long appliedLsn, Replayer replayer) throws IOException {
        Files.deleteIfExists(dir.resolve(LogFormat.SPARE_TMP));
        List<Long> seqs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "seg-*.log")) {
            for (Path p : ds) {
                long seq = LogFormat.segmentNumber(p.getFileName().toString());
                if (seq >= 0) seqs.add(seq);
            }
        }
        seqs.sort(Long::compareUnsigned);
        List<Segment> segments = new ArrayList<>();
        long prevLsn = 0;
        long expect = appliedLsn + 1;
        int replayed = 0;
        long position = LogFormat.HEADER_BYTES;
        boolean torn = false;
        CRC32C crc = new CRC32C();
        ByteBuffer frameHeader = ByteBuffer.allocate(LogFormat.FRAME_OVERHEAD);
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            Path path = LogFormat.segmentPath(dir, seq);
            boolean last = i == seqs.size() - 1;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (!LogFormat.validHeader(ch, seq)) {
                    if (!last) throw new IOException("log segment " + path + " has a damaged header");
                    // a segment being started when the process stopped: start it again
                    if (ch.size() < LogFormat.HEADER_BYTES + LogFormat.FRAME_OVERHEAD + RecordCodec.MAX_RECORD_BYTES) {
                        throw new IOException("log segment " + path + " is damaged (too short: " + ch.size() + " bytes)");
                    }
                    LOG.warn("log segment {} has no valid header; starting it afresh", path);
                    LogFormat.writeFully(ch, LogFormat.header(seq), 0);
                    eraseFrom(ch, LogFormat.HEADER_BYTES);
                    ch.force(true);
                    segments.add(new Segment(seq, path, -1));
                    position = LogFormat.HEADER_BYTES;
                    break;
                }
                Segment segment = new Segment(seq, path, -1);
                segments.add(segment);
                long size = ch.size();
                long pos = LogFormat.HEADER_BYTES;
                while (true) {
                    if (pos + LogFormat.FRAME_OVERHEAD > size) break;
                    frameHeader.clear();
                    LogFormat.readFully(ch, frameHeader, pos);
                    frameHeader.flip();
                    int len = frameHeader.getInt();
                    int sum = frameHeader.getInt();
                    long lsn = frameHeader.getLong();
                    if (len == 0 && sum == 0 && lsn == 0) break; // the zeros after the last frame
                    if (len <= 0 || len > RecordCodec.MAX_RECORD_BYTES || pos + LogFormat.FRAME_OVERHEAD + len > size
                            || lsn <= prevLsn) {
                        torn = true;
                        break;
                    }
                    byte[] payload = new byte[len];
                    LogFormat.readFully(ch, ByteBuffer.wrap(payload), pos + LogFormat.FRAME_OVERHEAD);
                    if (LogFormat.crc(crc, lsn, payload, 0, len) != sum) {
                        torn = true;
                        break;
                    }
                    if (lsn > appliedLsn) {
                        if (lsn != expect) {
                            throw new IOException("the log lacks records " + expect + ".." + (lsn - 1)
                                    + " (applied LSN " + appliedLsn + "); the volume cannot be recovered safely");
                        }
                        UpdateRecord record;
                        try {
                            record = RecordCodec.decode(ByteBuffer.wrap(payload));
                        } catch (IllegalArgumentException e) {
                            throw new IOException("log record " + lsn + " in " + path + " cannot be decoded: "
                                    + e.getMessage(), e);
                        }
                        try {
                            replayer.apply(new LogEntry(lsn, record));
                        } catch (IOException e) {
                            throw e;
                        } catch (Exception e) {
                            throw new IOException("replaying log record " + lsn + " (" + record.kind() + ") failed: "
                                    + e.getMessage(), e);
                        }
                        expect++;
                        replayed++;
                    }
                    if (segment.firstLsn < 0) segment.firstLsn = lsn;
                    prevLsn = lsn;
                    pos += LogFormat.FRAME_OVERHEAD + len;
                }
                position = pos;
                if (torn || last) {
                    long erased = eraseFrom(ch, pos);
                    if (erased > 0) {
                        ch.force(true);
                        LOG.warn("log ends in {} at offset {}: erased {} bytes of an incomplete write", path, pos, erased);
                    }
                }
                if (torn) {
                    for (int j = i + 1; j < seqs.size(); j++) {
                        Path later = LogFormat.segmentPath(dir, seqs.get(j));
                        LOG.warn("deleting log segment {} after the end of the log", later);
                        Files.delete(later);
                    }
                    if (i + 1 < seqs.size()) LogFormat.syncDirectory(dir);
                    break;
                }
            }
        }
        return new Result(segments, position, prevLsn, replayed, torn);
    }

    /** Zeros every non-zero byte from {@code from} to the end of the file; returns how many bytes it rewrote. */
    private static long eraseFrom(FileChannel ch, long from) throws IOException {
        long size = ch.size();
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        long lastNonZero = -1;
        for (long pos = from; pos < size; ) {
            b.clear();
            if (size - pos < b.capacity()) b.limit((int) (size - pos));
            int n = ch.read(b, pos);
            if (n <= 0) break;
            byte[] a = b.array();
            for (int k = n - 1; k >= 0; k--) {
                if (a[k] != 0) {
                    lastNonZero = pos + k;
                    break;
                }
            }
            pos += n;
        }
        if (lastNonZero < 0) return 0;
        ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
        for (long pos = from; pos <= lastNonZero; ) {
            zeros.clear();
            if (lastNonZero + 1 - pos < zeros.capacity()) zeros.limit((int) (lastNonZero + 1 - pos));
            pos += ch.write(zeros, pos);
        }
        return lastNonZero + 1 - from;
    }
}
