package org.echofs.cli.bench;

import org.echofs.cli.config.ByteSize;

import java.time.Duration;

/**
 * Everything a benchmark run is parameterised by. Immutable; {@link #validate()} says what is
 * wrong in terms of the command's flags. Start from {@link #builder()}, whose values are the
 * defaults of {@code echofs bench}.
 *
 * @param connections  TCP connections per server
 * @param depth        calls in flight per connection
 * @param ioThreads    client I/O threads shared by the connections
 * @param duration     measured time of a duration-bound workload
 * @param warmup       untimed load before the measured part (duration-bound workloads)
 * @param ops          if above 0, the measured part ends after this many ops instead
 * @param files        files of the getattr/lookup/stat set, and of the rename set
 * @param removeFiles  files created for the remove workload (the run ends when they are gone)
 * @param dirEntries   entries of the readdir directory
 * @param readdirCount the READDIR {@code count} argument (bytes of reply per call)
 * @param createSize   bytes written into each file of the create workload
 * @param seqSize      size of the seq-write and seq-read file
 * @param seqBlock     bytes per seq-write/seq-read call (capped by the server's wtmax/rtmax)
 * @param randSize     size of the rand-read and rand-write files
 * @param randBlock    bytes per rand-read/rand-write call
 * @param commitEvery  rand-write: each connection slot COMMITs after this many of its writes
 * @param nfscpSize    size of the file nfs-cp copies up and down
 * @param nfscpCopies  copies one nfs-cp run makes, one after the other
 * @param nfscp        the nfs-cp program (libnfs-utils)
 * @param uid          AUTH_SYS uid (null: the URL's, else 0)
 * @param gid          AUTH_SYS gid (null: the URL's, else 0)
 * @param seed         seed of the random offsets
 * @param callTimeout  how long one call may take before the run fails
 * @param progress     interval of progress lines; zero for none
 * @param keep         leave the benchmark directory on the server
 */
public record BenchSettings(int connections, int depth, int ioThreads, Duration duration, Duration warmup, long ops,
                            int files, int removeFiles, int dirEntries, int readdirCount, int createSize, long seqSize,
                            int seqBlock, long randSize, int randBlock, int commitEvery, long nfscpSize, int nfscpCopies,
                            String nfscp,
                            Integer uid, Integer gid, long seed, Duration callTimeout, Duration progress,
                            boolean keep) {

    /** The first problem with these settings, in terms of the flags, or null when there is none. */
    public String validate() {
        if (connections < 1 || connections > 1024) return "--connections must be 1 to 1024";
        if (depth < 1 || depth > 4096) return "--depth must be 1 to 4096";
        if (ioThreads < 1 || ioThreads > 256) return "--io-threads must be 1 to 256";
        if (duration.isNegative() || duration.isZero()) return "--duration must be positive";
        if (warmup.isNegative()) return "--warmup must not be negative";
        if (ops < 0) return "--ops must not be negative";
        if (files < 1) return "--files must be at least 1";
        if (removeFiles < 1) return "--remove-files must be at least 1";
        if (dirEntries < 1) return "--dir-entries must be at least 1";
        if (readdirCount < 512 || readdirCount > 1 << 20) return "--readdir-count must be 512B to 1MiB";
        if (createSize < 0 || createSize > 1 << 24) return "--create-size must be 0 to 16MiB";
        if (seqBlock < 512 || seqBlock > 1 << 24) return "--seq-block must be 512B to 16MiB";
        if (seqSize < seqBlock) return "--seq-size must be at least --seq-block";
        if (randBlock < 512 || randBlock > 1 << 24) return "--rand-block must be 512B to 16MiB";
        if (randSize < randBlock) return "--rand-size must be at least --rand-block";
        if (commitEvery < 1) return "--commit-every must be at least 1";
        if (nfscpSize < 1) return "--nfscp-size must be at least 1 byte";
        if (nfscpCopies < 1) return "--nfscp-copies must be at least 1";
        if (callTimeout.toMillis() < 1) return "--call-timeout must be at least 1 ms";
        if (progress.isNegative()) return "--progress must not be negative";
        return null;
    }

    /** Settings with the defaults of {@code echofs bench}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.connections = connections;
        b.depth = depth;
        b.ioThreads = ioThreads;
        b.duration = duration;
        b.warmup = warmup;
        b.ops = ops;
        b.files = files;
        b.removeFiles = removeFiles;
        b.dirEntries = dirEntries;
        b.readdirCount = readdirCount;
        b.createSize = createSize;
        b.seqSize = seqSize;
        b.seqBlock = seqBlock;
        b.randSize = randSize;
        b.randBlock = randBlock;
        b.commitEvery = commitEvery;
        b.nfscpSize = nfscpSize;
        b.nfscpCopies = nfscpCopies;
        b.nfscp = nfscp;
        b.uid = uid;
        b.gid = gid;
        b.seed = seed;
        b.callTimeout = callTimeout;
        b.progress = progress;
        b.keep = keep;
        return b;
    }

    /** Mutable builder; single-threaded. */
    public static final class Builder {
        private int connections = 4;
        private int depth = 16;
        private int ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private Duration duration = Duration.ofSeconds(10);
        private Duration warmup = Duration.ofSeconds(2);
        private long ops;
        private int files = 1000;
        private int removeFiles = 50_000;
        private int dirEntries = 10_000;
        private int readdirCount = 32 * 1024;
        private int createSize = 4096;
        private long seqSize = ByteSize.GIB;
        private int seqBlock = (int) ByteSize.MIB;
        private long randSize = ByteSize.GIB;
        private int randBlock = 4096;
        private int commitEvery = 1024;
        private long nfscpSize = 256 * ByteSize.MIB;
        private int nfscpCopies = 5;
        private String nfscp = "nfs-cp";
        private Integer uid;
        private Integer gid;
        private long seed = 1;
        private Duration callTimeout = Duration.ofSeconds(60);
        private Duration progress = Duration.ofSeconds(1);
        private boolean keep;

        private Builder() {
        }

        public Builder connections(int v) { connections = v; return this; }
        public Builder depth(int v) { depth = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder duration(Duration v) { duration = v; return this; }
        public Builder warmup(Duration v) { warmup = v; return this; }
        public Builder ops(long v) { ops = v; return this; }
        public Builder files(int v) { files = v; return this; }
        public Builder removeFiles(int v) { removeFiles = v; return this; }
        public Builder dirEntries(int v) { dirEntries = v; return this; }
        public Builder readdirCount(int v) { readdirCount = v; return this; }
        public Builder createSize(int v) { createSize = v; return this; }
        public Builder seqSize(long v) { seqSize = v; return this; }
        public Builder seqBlock(int v) { seqBlock = v; return this; }
        public Builder randSize(long v) { randSize = v; return this; }
        public Builder randBlock(int v) { randBlock = v; return this; }
        public Builder commitEvery(int v) { commitEvery = v; return this; }
        public Builder nfscpSize(long v) { nfscpSize = v; return this; }
        public Builder nfscpCopies(int v) { nfscpCopies = v; return this; }
        public Builder nfscp(String v) { nfscp = v; return this; }
        public Builder uid(Integer v) { uid = v; return this; }
        public Builder gid(Integer v) { gid = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder callTimeout(Duration v) { callTimeout = v; return this; }
        public Builder progress(Duration v) { progress = v; return this; }
        public Builder keep(boolean v) { keep = v; return this; }

        public BenchSettings build() {
            return new BenchSettings(connections, depth, ioThreads, duration, warmup, ops, files, removeFiles,
                    dirEntries, readdirCount, createSize, seqSize, seqBlock, randSize, randBlock, commitEvery,
                    nfscpSize, nfscpCopies, nfscp, uid, gid, seed, callTimeout, progress, keep);
        }
    }
}
