package org.echofs.cli.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationsTest {

    @Test
    void unitsAndSpelling() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofSeconds(30), Durations.parse(" 30 S "));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2min"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    }

    @Test
    void rejectsBareNumbersUnknownUnitsFractionsAndOverflow() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("30")).getMessage()
                .contains("not a duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("3d")).getMessage()
                .contains("unknown unit 'd'"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1.5s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-1s"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999999999h"))
                .getMessage().contains("too large"));
    }

    @Test
    void formatIsTheShortestExactFormAndReadsBack() {
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("2min", Durations.format(Duration.ofMinutes(2)));
        assertEquals("1h", Durations.format(Duration.ofHours(1)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        for (Duration d : new Duration[] {Duration.ofMillis(1), Duration.ofSeconds(61), Duration.ofMinutes(61)}) {
            assertEquals(d, Durations.parse(Durations.format(d)));
        }
    }
}
