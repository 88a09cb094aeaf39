package org.echofs.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.echofs.cli.bench.WorkloadKind.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadKindTest {

    @Test
    void theStandardSetIsTheElevenNfsWorkloads() {
        assertEquals(11, STANDARD.size());
        assertEquals(STANDARD, WorkloadKind.parse(List.of("standard")));
        assertFalse(STANDARD.contains(NFSCP_UP));
        assertEquals(List.of(values()), WorkloadKind.parse(List.of("all")));
    }

    @Test
    void listsComeOutInCanonicalOrderWithoutDuplicates() {
        assertEquals(List.of(GETATTR, SEQ_WRITE, NFSCP_UP, NFSCP_DOWN),
                WorkloadKind.parse(List.of("nfs-cp,seq-write", " getattr ", "seq-write")));
    }

    @Test
    void unknownNamesAreRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkloadKind.parse(List.of("getattr,stats")));
        assertTrue(e.getMessage().contains("unknown workload 'stats'"), e.getMessage());
        assertTrue(e.getMessage().contains("rand-write"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkloadKind.parse(List.of(",")));
    }

    @Test
    void bandwidthWorkloadsAreQuotedInMegabytes() {
        assertTrue(SEQ_READ.bandwidth());
        assertTrue(NFSCP_DOWN.bandwidth());
        assertFalse(RAND_READ.bandwidth());
        assertFalse(GETATTR.bandwidth());
    }
}
