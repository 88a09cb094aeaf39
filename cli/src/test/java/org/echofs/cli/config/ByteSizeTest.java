package org.echofs.cli.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteSizeTest {

    @Test
    void binaryUnits() {
        assertEquals(1024L, ByteSize.parse("1KiB"));
        assertEquals(1024L * 1024, ByteSize.parse("1MiB"));
        assertEquals(16L << 30, ByteSize.parse("16GiB"));
        assertEquals(2L << 40, ByteSize.parse("2TiB"));
    }

    @Test
    void decimalUnitsBytesAndSpelling() {
        assertEquals(1000L, ByteSize.parse("1KB"));
        assertEquals(5_000_000L, ByteSize.parse("5MB"));
        assertEquals(3_000_000_000L, ByteSize.parse("3gb"));
        assertEquals(512L, ByteSize.parse("512"));
        assertEquals(512L, ByteSize.parse("512B"));
        assertEquals(512L * 1024, ByteSize.parse(" 512 kib "));
    }

    @Test
    void rejectsUnknownUnitsFractionsAndOverflow() {
        IllegalArgumentException unit = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("16G"));
        assertTrue(unit.getMessage().contains("unknown unit 'G'"), unit.getMessage());
        assertTrue(unit.getMessage().contains("GiB"), unit.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("1.5GiB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(""));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> ByteSize.parse("99999999999TiB"));
        assertTrue(big.getMessage().contains("too large"), big.getMessage());
    }

    @Test
    void formatsTheShortestExactForm() {
        assertEquals("1MiB", ByteSize.format(1 << 20));
        assertEquals("1088KiB", ByteSize.format((1 << 20) + (64 << 10)));
        assertEquals("16GiB", ByteSize.format(16L << 30));
        assertEquals("1000B", ByteSize.format(1000));
        assertEquals("0B", ByteSize.format(0));
        for (long v : new long[] {1, 4096, 12345, 3L << 40, 1_000_000}) {
            assertEquals(v, ByteSize.parse(ByteSize.format(v)));
        }
    }
}
