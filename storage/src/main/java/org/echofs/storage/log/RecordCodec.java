package org.echofs.storage.log;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.echofs.core.fs.FileType;

/**
 * The binary form of {@link UpdateRecord}s (format version 1): a kind byte followed by the
 * fields in declaration order, big-endian; strings as an int byte count (-1 for null) and UTF-8
 * bytes; nullable numbers behind a presence bitmask. Stateless and thread-safe.
 */
public final class RecordCodec {

    /** No encoded record is longer than this. */
    public static final int MAX_RECORD_BYTES = 64 * 1024;

    private static final byte CREATE = 1, REMOVE = 2, RENAME = 3, LINK = 4, SETATTR = 5, SIZETIMES = 6,
            RESERVEIDS = 7;

    private RecordCodec() { }

    /** Encodes a record; fails with IllegalArgumentException when it would exceed {@link #MAX_RECORD_BYTES}. */
    public static byte[] encode(UpdateRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        DataOutputStream o = new DataOutputStream(bytes);
        try {
            if (record instanceof UpdateRecord.Create r) {
                o.writeByte(CREATE);
                o.writeLong(r.dir());
                putString(o, r.name());
                o.writeLong(r.cookie());
                o.writeLong(r.id());
                o.writeInt(r.generation());
                o.writeByte(r.type().code());
                o.writeInt(r.mode());
                o.writeInt(r.uid());
                o.writeInt(r.gid());
                o.writeLong(r.size());
                o.writeInt(r.rdevMajor());
                o.writeInt(r.rdevMinor());
                putString(o, r.target());
                o.writeLong(r.createVerifier());
                o.writeLong(r.atimeNanos());
                o.writeLong(r.mtimeNanos());
                o.writeLong(r.timeNanos());
            } else if (record instanceof UpdateRecord.Remove r) {
                o.writeByte(REMOVE);
                o.writeLong(r.dir());
                putString(o, r.name());
                o.writeLong(r.child());
                o.writeLong(r.timeNanos());
            } else if (record instanceof UpdateRecord.Rename r) {
                o.writeByte(RENAME);
                o.writeLong(r.fromDir());
                putString(o, r.fromName());
                o.writeLong(r.toDir());
                putString(o, r.toName());
                o.writeLong(r.id());
                o.writeLong(r.replaced());
                o.writeLong(r.cookie());
                o.writeLong(r.timeNanos());
            } else if (record instanceof UpdateRecord.Link r) {
                o.writeByte(LINK);
                o.writeLong(r.id());
                o.writeLong(r.dir());
                putString(o, r.name());
                o.writeLong(r.cookie());
                o.writeLong(r.timeNanos());
            } else if (record instanceof UpdateRecord.SetAttr r) {
                int mask = (r.mode() != null ? 1 : 0) | (r.uid() != null ? 2 : 0) | (r.gid() != null ? 4 : 0)
                        | (r.size() != null ? 8 : 0) | (r.atimeNanos() != null ? 16 : 0)
                        | (r.mtimeNanos() != null ? 32 : 0);
                o.writeByte(SETATTR);
                o.writeLong(r.id());
                o.writeByte(mask);
                if (r.mode() != null) o.writeInt(r.mode());
                if (r.uid() != null) o.writeInt(r.uid());
                if (r.gid() != null) o.writeInt(r.gid());
                if (r.size() != null) o.writeLong(r.size());
                if (r.atimeNanos() != null) o.writeLong(r.atimeNanos());
                if (r.mtimeNanos() != null) o.writeLong(r.mtimeNanos());
                o.writeLong(r.ctimeNanos());
            } else if (record instanceof UpdateRecord.SizeTimes r) {
                o.writeByte(SIZETIMES);
                o.writeLong(r.id());
                o.writeLong(r.size());
                o.writeLong(r.mtimeNanos());
                o.writeLong(r.ctimeNanos());
            } else if (record instanceof UpdateRecord.ReserveIds r) {
                o.writeByte(RESERVEIDS);
                o.writeLong(r.limit());
            } else {
                throw new IllegalArgumentException("unknown record " + record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        if (bytes.size() > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException(record.kind() + " record too large: " + bytes.size() + " bytes");
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes one record occupying all remaining bytes of {@code b}.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed record
     */
    public static UpdateRecord decode(ByteBuffer b) {
        try {
            byte kind = b.get();
            UpdateRecord r;
            switch (kind) {
                case CREATE -> {
                    long dir = b.getLong();
                    String name = getString(b);
                    long cookie = b.getLong(), id = b.getLong();
                    int gen = b.getInt();
                    FileType type = FileType.fromCode(b.get());
                    if (type == null) throw new IllegalArgumentException("bad file type");
                    int mode = b.getInt(), uid = b.getInt(), gid = b.getInt();
                    long size = b.getLong();
                    int maj = b.getInt(), min = b.getInt();
                    String target = getString(b);
                    long verifier = b.getLong(), atime = b.getLong(), mtime = b.getLong(), time = b.getLong();
                    r = new UpdateRecord.Create(dir, name, cookie, id, gen, type, mode, uid, gid, size, maj, min,
                            target, verifier, atime, mtime, time);
                }
                case REMOVE -> {
                    long dir = b.getLong();
                    String name = getString(b);
                    long child = b.getLong();
                    r = new UpdateRecord.Remove(dir, name, child, b.getLong());
                }
                case RENAME -> {
                    long fromDir = b.getLong();
                    String fromName = getString(b);
                    long toDir = b.getLong();
                    String toName = getString(b);
                    long id = b.getLong(), replaced = b.getLong(), cookie = b.getLong(), time = b.getLong();
                    r = new UpdateRecord.Rename(fromDir, fromName, toDir, toName, id, replaced, cookie, time);
                }
                case LINK -> {
                    long id = b.getLong(), dir = b.getLong();
                    String name = getString(b);
                    long cookie = b.getLong();
                    r = new UpdateRecord.Link(id, dir, name, cookie, b.getLong());
                }
                case SETATTR -> {
                    long id = b.getLong();
                    int mask = b.get();
                    Integer mode = (mask & 1) != 0 ? b.getInt() : null;
                    Integer uid = (mask & 2) != 0 ? b.getInt() : null;
                    Integer gid = (mask & 4) != 0 ? b.getInt() : null;
                    Long size = (mask & 8) != 0 ? b.getLong() : null;
                    Long atime = (mask & 16) != 0 ? b.getLong() : null;
                    Long mtime = (mask & 32) != 0 ? b.getLong() : null;
                    r = new UpdateRecord.SetAttr(id, mode, uid, gid, size, atime, mtime, b.getLong());
                }
                case SIZETIMES -> {
                    long id = b.getLong(), size = b.getLong(), mtime = b.getLong();
                    r = new UpdateRecord.SizeTimes(id, size, mtime, b.getLong());
                }
                case RESERVEIDS -> r = new UpdateRecord.ReserveIds(b.getLong());
                default -> throw new IllegalArgumentException("unknown record kind " + kind);
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " trailing bytes after a " + r.kind() + " record");
            }
            return r;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("record truncated", e);
        }
    }

    private static void putString(DataOutputStream o, String s) throws IOException {
        if (s == null) {
            o.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        o.writeInt(bytes.length);
        o.write(bytes);
    }

    private static String getString(ByteBuffer b) {
        int n = b.getInt();
        if (n == -1) return null;
        if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("bad string length " + n);
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The number of bytes of the UTF-8 form of {@code s} (as String.getBytes gives it), without encoding it. */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1; // an unpaired surrogate encodes as '?'
            } else {
                n += 3;
            }
        }
        return n;
    }
}
