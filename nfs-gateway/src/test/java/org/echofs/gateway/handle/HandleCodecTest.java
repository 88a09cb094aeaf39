package org.echofs.gateway.handle;

import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Handles are a versioned value type: round trips, and every malformed input is BADHANDLE. */
class HandleCodecTest {

    private final HandleCodec codec = new HandleCodec("a cluster secret!".getBytes(StandardCharsets.US_ASCII));

    private static void badHandle(HandleCodec c, byte[] bytes) {
        FsException e = assertThrows(FsException.class, () -> c.decode(bytes));
        assertEquals(FsError.BADHANDLE, e.error());
    }

    @Test
    void roundTrips() throws Exception {
        for (FileHandle h : new FileHandle[] {new FileHandle(1, 2, 3), new FileHandle(Integer.MAX_VALUE, Long.MAX_VALUE, -1),
                new FileHandle(7, -5, Integer.MIN_VALUE)}) {
            byte[] b = codec.encode(h);
            assertEquals(HandleCodec.LENGTH, b.length);
            assertEquals(HandleCodec.VERSION, b[0]);
            assertEquals(h, codec.decode(b));
            assertArrayEquals(b, codec.encode(h), "deterministic");
        }
    }

    @Test
    void everyFlippedBitIsBadhandle() {
        byte[] good = codec.encode(new FileHandle(1, 1234, 5));
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] b = good.clone();
                b[i] ^= (byte) (1 << bit);
                badHandle(codec, b);
            }
        }
    }

    @Test
    void wrongLengthsAreBadhandle() {
        byte[] good = codec.encode(new FileHandle(1, 1234, 5));
        for (int len = 0; len <= 64; len++) {
            if (len == HandleCodec.LENGTH) continue;
            badHandle(codec, Arrays.copyOf(good, len));
        }
        badHandle(codec, null);
    }

    @Test
    void anotherSecretsHandleIsBadhandle() {
        HandleCodec other = new HandleCodec("another secret!!".getBytes(StandardCharsets.US_ASCII));
        badHandle(codec, other.encode(new FileHandle(1, 1234, 5)));
    }

    @Test
    void shortSecretsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HandleCodec(new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> new HandleCodec(null));
    }

    @Test
    void codecsWithTheSameSecretAgree() throws Exception {
        HandleCodec again = new HandleCodec("a cluster secret!".getBytes(StandardCharsets.US_ASCII));
        FileHandle h = new FileHandle(3, 99, 1);
        assertEquals(h, again.decode(codec.encode(h)), "handles survive a restart");
    }
}
