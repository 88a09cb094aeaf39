package org.echofs.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The workloads {@code echofs bench} knows, in the order a full run makes them, with the unit
 * their headline figure is quoted in. {@link #STANDARD} are the NFS-level workloads; the nfs-cp
 * ones run an external client and are asked for by name (or with {@code all}).
 */
public enum WorkloadKind {
    GETATTR("getattr", false, MetadataWorkloads.Getattr::new),
    LOOKUP("lookup", false, MetadataWorkloads.Lookup::new),
    STAT("stat", false, MetadataWorkloads.Stat::new),
    CREATE("create", false, MetadataWorkloads.Create::new),
    RENAME("rename", false, MetadataWorkloads.Rename::new),
    REMOVE("remove", false, MetadataWorkloads.Remove::new),
    READDIR("readdir", false, MetadataWorkloads.Readdir::new),
    RAND_READ("rand-read", false, DataWorkloads.RandRead::new),
    RAND_WRITE("rand-write", false, DataWorkloads.RandWrite::new),
    SEQ_READ("seq-read", true, DataWorkloads.SeqRead::new),
    SEQ_WRITE("seq-write", true, DataWorkloads.SeqWrite::new),
    NFSCP_UP("nfs-cp-up", true, NfsCpWorkloads.Up::new),
    NFSCP_DOWN("nfs-cp-down", true, NfsCpWorkloads.Down::new);

    /** The workloads a plain {@code echofs bench} runs. */
    public static final List<WorkloadKind> STANDARD = List.of(GETATTR, LOOKUP, STAT, CREATE, RENAME, REMOVE, READDIR,
            RAND_READ, RAND_WRITE, SEQ_READ, SEQ_WRITE);

    private final String id;
    private final boolean bandwidth;
    private final Supplier<Workload> factory;

    WorkloadKind(String id, boolean bandwidth, Supplier<Workload> factory) {
        this.id = id;
        this.bandwidth = bandwidth;
        this.factory = factory;
    }

    /** The name on the command line and in reports. */
    public String id() { return id; }

    /** Whether the headline figure is MB/s (else ops/s). */
    public boolean bandwidth() { return bandwidth; }

    Workload create() { return factory.get(); }

    /**
     * Parses a comma-separated list of names; {@code standard} (the default set) and
     * {@code all} stand for groups. The order is always the canonical one.
     *
     * @throws IllegalArgumentException naming the unknown workload and the known ones
     */
    public static List<WorkloadKind> parse(List<String> names) {
        Set<WorkloadKind> chosen = new LinkedHashSet<>();
        for (String item : names) {
            for (String raw : item.split(",")) {
                String n = raw.trim().toLowerCase(Locale.ROOT);
                if (n.isEmpty()) continue;
                switch (n) {
                    case "standard" -> chosen.addAll(STANDARD);
                    case "all" -> chosen.addAll(Arrays.asList(values()));
                    case "nfs-cp" -> {
                        chosen.add(NFSCP_UP);
                        chosen.add(NFSCP_DOWN);
                    }
                    default -> chosen.add(Arrays.stream(values()).filter(k -> k.id.equals(n)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("unknown workload '" + raw.trim()
                                    + "' (known: " + String.join(", ", ids()) + ", nfs-cp, standard, all)")));
                }
            }
        }
        if (chosen.isEmpty()) throw new IllegalArgumentException("no workload given");
        List<WorkloadKind> ordered = new ArrayList<>();
        for (WorkloadKind k : values()) if (chosen.contains(k)) ordered.add(k);
        return ordered;
    }

    /** Every workload name. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(WorkloadKind::id).toList();
    }
}
