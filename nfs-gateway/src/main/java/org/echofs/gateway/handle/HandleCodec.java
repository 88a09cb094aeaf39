package org.echofs.gateway.handle;

import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Encodes file handles as versioned, signed bytes and checks them on the way back.
 *
 * <pre>
 * version 1, 33 bytes:
 *   0      version (1)
 *   1..4   export id
 *   5..12  object id
 *   13..16 generation
 *   17..32 first 16 bytes of HMAC-SHA256(cluster secret, bytes 0..16)
 * </pre>
 *
 * Any other length or version, or a MAC that does not verify, is {@link FsError#BADHANDLE}: a
 * tampered, truncated or foreign handle never reaches storage. Thread-safe.
 */
public final class HandleCodec {

    public static final int VERSION = 1;
    public static final int LENGTH = 33;
    private static final int BODY = 17;
    private static final int MAC_BYTES = 16;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    /** @param secret the cluster secret, at least 16 bytes */
    public HandleCodec(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the handle secret must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private byte[] mac(byte[] bytes) {
        Mac mac = macs.get();
        mac.update(bytes, 0, BODY);
        byte[] full = mac.doFinal();
        byte[] out = new byte[MAC_BYTES];
        System.arraycopy(full, 0, out, 0, MAC_BYTES);
        return out;
    }

    public byte[] encode(FileHandle h) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put((byte) VERSION).putInt(h.exportId()).putLong(h.objectId()).putInt(h.generation());
        byte[] bytes = b.array();
        System.arraycopy(mac(bytes), 0, bytes, BODY, MAC_BYTES);
        return bytes;
    }

    public FileHandle decode(byte[] bytes) throws FsException {
        if (bytes == null || bytes.length != LENGTH) {
            throw new FsException(FsError.BADHANDLE, "handle length " + (bytes == null ? -1 : bytes.length));
        }
        if (bytes[0] != VERSION) {
            throw new FsException(FsError.BADHANDLE, "handle version " + bytes[0]);
        }
        byte[] expected = mac(bytes);
        byte[] given = new byte[MAC_BYTES];
        System.arraycopy(bytes, BODY, given, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new FsException(FsError.BADHANDLE, "handle signature does not verify");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, BODY - 1);
        return new FileHandle(b.getInt(), b.getLong(), b.getInt());
    }
}
