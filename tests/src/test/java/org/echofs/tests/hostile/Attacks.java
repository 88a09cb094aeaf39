package org.echofs.tests.hostile;

import org.echofs.tests.hostile.Wire.Reply;
import org.echofs.tests.hostile.Wire.Status;
import org.echofs.tests.hostile.Wire.Xdr;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One hostile client: a loop of randomly chosen attacks, each drawn from its own seeded
 * {@link Random}, so a worker's sequence of actions is replayable from the run's seed (the
 * interleaving with other workers is not). Where the server's answer is determined (a bad credential
 * is AUTH_BADCRED, a forged handle is NFS3ERR_BADHANDLE, a 2 GiB record closes the connection...),
 * anything else is recorded as a violation in the {@link Tally}; everything is counted.
 *
 * <p>Threads: one instance per thread.
 */
final class Attacks {

    static final int NFS = 100003, MOUNT = 100005, PORTMAP = 100000;
    static final int GETATTR = 1, LOOKUP = 3, READ = 6, WRITE = 7;
    static final int MNT = 1;
    static final int BADHANDLE = 10001;
    /** The server's documented answer when its workers are saturated: the client retries later. */
    static final int JUKEBOX = 10008;
    /** The gateway's default rpc.max-record-size (1088 KiB). */
    static final int MAX_RECORD = 1088 * 1024;
    static final int READ_TIMEOUT_MILLIS = 15_000;

    /** The kinds of attack a worker chooses from, with their weights. */
    enum Kind {
        RANDOM_BYTES(2), TRUNCATED(2), HUGE_RECORD(1), FRAGMENTED(2), BAD_CREDENTIAL(3), UNKNOWN_PROGRAM(3),
        GARBAGE_ARGS(3), RANDOM_HANDLE(4), IGNORED_RECORD(1), PIPELINE(1), SLOW_READER(1);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    /** What the attacks need to know about the server. */
    record Target(InetSocketAddress address, byte[] rootHandle, byte[] bulkHandle, int bulkSize) {
    }

    private final Target target;
    private final Tally tally;
    private final Random rnd;
    private final Set<Kind> kinds;
    private final int totalWeight;
    private RawConnection conn;
    private int xid;
    private int handleLength;

    /** @param kinds the kinds of attack to choose from (normally all of them) */
    Attacks(Target target, Tally tally, long seed, Set<Kind> kinds) {
        if (kinds.isEmpty()) throw new IllegalArgumentException("no kinds of attack");
        this.target = target;
        this.tally = tally;
        this.rnd = new Random(seed);
        this.kinds = EnumSet.copyOf(kinds);
        this.xid = rnd.nextInt();
        int w = 0;
        for (Kind k : this.kinds) w += k.weight;
        this.totalWeight = w;
    }

    /** Runs attacks until {@code deadlineNanos} (System.nanoTime) or interruption. */
    void runUntil(long deadlineNanos) {
        try {
            while (System.nanoTime() - deadlineNanos < 0 && !Thread.currentThread().isInterrupted()) {
                Kind k = pick();
                try {
                    run(k);
                } catch (RuntimeException e) {
                    // A fault of this client itself: make the run fail with it.
                    tally.violation(k.name(), "client-fault", "the test client failed: " + e);
                    dropConnection();
                } catch (IOException e) {
                    // Connection-level failures of our own sockets (reset while writing, refused):
                    // counted, and the persistent connection is dropped.
                    tally.count(k.name(), "io-error " + e.getClass().getSimpleName());
                    dropConnection();
                }
            }
        } finally {
            dropConnection();
        }
    }

    private Kind pick() {
        int r = rnd.nextInt(totalWeight);
        for (Kind k : kinds) {
            r -= k.weight;
            if (r < 0) return k;
        }
        throw new AssertionError();
    }

    void run(Kind k) throws IOException {
        switch (k) {
            case RANDOM_BYTES -> randomBytes();
            case TRUNCATED -> truncated();
            case HUGE_RECORD -> hugeRecord();
            case FRAGMENTED -> fragmented();
            case BAD_CREDENTIAL -> badCredential();
            case UNKNOWN_PROGRAM -> unknownProgram();
            case GARBAGE_ARGS -> garbageArgs();
            case RANDOM_HANDLE -> randomHandle();
            case IGNORED_RECORD -> ignoredRecord();
            case PIPELINE -> pipeline();
            case SLOW_READER -> slowReader();
        }
    }

    // ------------------------------------------------------------------ connections

    private RawConnection conn() throws IOException {
        if (conn == null || conn.isClosed()) {
            conn = RawConnection.open(target.address(), READ_TIMEOUT_MILLIS);
        }
        return conn;
    }

    private void dropConnection() {
        if (conn != null) {
            conn.close();
            conn = null;
        }
    }

    private RawConnection fresh() throws IOException {
        return RawConnection.open(target.address(), READ_TIMEOUT_MILLIS);
    }

    // ------------------------------------------------------------------ expectations

    /** Reads the reply to {@code id} on the persistent connection and checks it. */
    private void expect(Kind k, int id, Predicate<Reply> ok, String expected) throws IOException {
        expectOn(conn, k, id, ok, expected);
    }

    private void expectOn(RawConnection c, Kind k, int id, Predicate<Reply> ok, String expected) throws IOException {
        Reply r;
        try {
            r = c.readReply();
        } catch (SocketTimeoutException e) {
            tally.violation(k.name(), "no-reply", "no reply within " + READ_TIMEOUT_MILLIS + " ms; expected " + expected);
            if (c == conn) dropConnection();
            return;
        }
        if (r == null) {
            tally.violation(k.name(), "closed-by-server", "connection closed instead of a reply; expected " + expected);
            if (c == conn) dropConnection();
            return;
        }
        String label = label(r);
        if (r.xid() != id) {
            tally.violation(k.name(), label, "reply to xid " + r.xid() + " while waiting for " + id + "; " + r);
            if (c == conn) dropConnection();
            return;
        }
        if (!ok.test(r)) {
            tally.violation(k.name(), label, "expected " + expected + ", got " + r);
        } else {
            tally.count(k.name(), label);
        }
    }

    static String label(Reply r) {
        return r.status() == Status.SUCCESS ? "SUCCESS/stat=" + r.firstWord() : r.status().name();
    }

    private static Predicate<Reply> is(Status s) {
        return r -> r.status() == s;
    }

    /** SUCCESS with this nfsstat3, or with NFS3ERR_JUKEBOX (overload, a legitimate answer to any call). */
    private static Predicate<Reply> nfsStatus(int stat) {
        return r -> r.status() == Status.SUCCESS && (r.firstWord() == stat || r.firstWord() == JUKEBOX);
    }

    private int nextXid() {
        return ++xid;
    }

    // ------------------------------------------------------------------ argument builders

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    static byte[] getattrArgs(byte[] fh) {
        return new Xdr().opaque(fh).bytes();
    }

    static byte[] lookupArgs(byte[] fh, String name) {
        return new Xdr().opaque(fh).string(name).bytes();
    }

    static byte[] readArgs(byte[] fh, long offset, int count) {
        return new Xdr().opaque(fh).u64(offset).u32(count).bytes();
    }

    static byte[] writeArgs(byte[] fh, long offset, byte[] data) {
        return new Xdr().opaque(fh).u64(offset).u32(data.length).u32(2).opaque(data).bytes();
    }

    /** Valid arguments of GETATTR, LOOKUP, READ or WRITE ({@code proc}) for {@code fh}. */
    private byte[] argsFor(int proc, byte[] fh) {
        return switch (proc) {
            case GETATTR -> getattrArgs(fh);
            case LOOKUP -> lookupArgs(fh, "n" + rnd.nextInt(1000));
            case READ -> readArgs(fh, rnd.nextInt(1 << 20), 1 + rnd.nextInt(8192));
            case WRITE -> writeArgs(fh, rnd.nextInt(1 << 20), randomBytes(rnd.nextInt(65)));
            default -> throw new IllegalArgumentException("procedure " + proc);
        };
    }

    private static final int[] HANDLE_PROCS = {GETATTR, LOOKUP, READ, WRITE};

    // ------------------------------------------------------------------ the attacks

    /** Random bytes, then FIN: whatever the server makes of them, it must close in return. */
    private void randomBytes() throws IOException {
        try (RawConnection c = fresh()) {
            int n = 1 + rnd.nextInt(8192);
            byte[] b = randomBytes(n);
            if (n >= 4 && rnd.nextBoolean()) {
                // A plausible record mark, so the random body is parsed as a record.
                int len = rnd.nextInt(n);
                b[0] = (byte) ((len >>> 24) | (rnd.nextBoolean() ? 0x80 : 0));
                b[1] = (byte) (len >>> 16);
                b[2] = (byte) (len >>> 8);
                b[3] = (byte) len;
            }
            c.send(b);
            c.shutdownOutput();
            if (c.awaitClosedByServer()) {
                tally.count(Kind.RANDOM_BYTES.name(), "closed-by-server");
            } else {
                tally.violation(Kind.RANDOM_BYTES.name(), "still-open",
                        "connection still open " + READ_TIMEOUT_MILLIS + " ms after the client's FIN");
            }
        }
    }

    /** A record cut short: the client vanishes (reset) or half-closes (then the server must close). */
    private void truncated() throws IOException {
        byte[] framed = Wire.frame(Wire.call(nextXid(), NFS, 3, GETATTR, getattrArgs(target.rootHandle())));
        int keep = rnd.nextInt(framed.length - 1) + 1; // at least one byte of the mark, never the whole record
        try (RawConnection c = fresh()) {
            c.send(Arrays.copyOf(framed, keep));
            if (rnd.nextInt(3) == 0) {
                c.shutdownOutput();
                if (c.awaitClosedByServer()) {
                    tally.count(Kind.TRUNCATED.name(), "fin:closed-by-server");
                } else {
                    tally.violation(Kind.TRUNCATED.name(), "fin:still-open",
                            "half a record and a FIN, still open after " + READ_TIMEOUT_MILLIS + " ms");
                }
            } else {
                tally.count(Kind.TRUNCATED.name(), "reset-by-client");
            }
        }
    }

    /** A record mark announcing more than the server accepts: it must close the connection. */
    private void hugeRecord() throws IOException {
        try (RawConnection c = fresh()) {
            int variant = rnd.nextInt(5);
            String what;
            switch (variant) {
                case 0 -> { c.send(Wire.mark(0x7fffffff, true)); what = "2 GiB last fragment"; }
                case 1 -> { c.send(Wire.mark(0x7fffffff, false)); what = "2 GiB fragment"; }
                case 2 -> { c.send(Wire.mark(MAX_RECORD + 1 + rnd.nextInt(1 << 30), true)); what = "over-limit record"; }
                case 3 -> { c.send(Wire.mark(MAX_RECORD + 1, true)); what = "limit+1 record"; }
                default -> {
                    // Two fragments that are each within the limit but not together.
                    int first = MAX_RECORD / 2 + 1;
                    byte[] b = new byte[4 + first];
                    System.arraycopy(Wire.mark(first, false), 0, b, 0, 4);
                    c.send(b);
                    c.send(Wire.mark(first, false));
                    what = "two fragments over the limit together";
                }
            }
            if (rnd.nextBoolean()) {
                try {
                    c.send(randomBytes(1 + rnd.nextInt(64)));
                } catch (IOException e) {
                    // the server may have closed already
                }
            }
            if (c.awaitClosedByServer()) {
                tally.count(Kind.HUGE_RECORD.name(), "closed-by-server");
            } else {
                tally.violation(Kind.HUGE_RECORD.name(), "still-open", what + ": connection still open after "
                        + READ_TIMEOUT_MILLIS + " ms");
            }
        }
    }

    /** A valid NULL or GETATTR, split into random fragments and written in random pieces. */
    private void fragmented() throws IOException {
        int id = nextXid();
        boolean getattr = rnd.nextBoolean();
        byte[] rec = getattr ? Wire.call(id, NFS, 3, GETATTR, getattrArgs(target.rootHandle()))
                : Wire.call(id, NFS, 3, 0, new byte[0]);
        Xdr stream = new Xdr();
        int pos = 0;
        while (pos < rec.length) {
            if (rnd.nextInt(6) == 0) {
                stream.raw(Wire.mark(0, false)); // an empty fragment
            }
            int len = Math.min(rec.length - pos, 1 + rnd.nextInt(Math.max(1, rec.length / 2)));
            boolean last = pos + len == rec.length;
            stream.raw(Wire.mark(len, last)).raw(Arrays.copyOfRange(rec, pos, pos + len));
            pos += len;
        }
        byte[] all = stream.bytes();
        RawConnection c = conn();
        for (int i = 0; i < all.length; ) {
            int n = Math.min(all.length - i, 1 + rnd.nextInt(24));
            c.send(Arrays.copyOfRange(all, i, i + n));
            i += n;
        }
        expect(Kind.FRAGMENTED, id, getattr ? nfsStatus(0) : is(Status.SUCCESS),
                getattr ? "GETATTR NFS3_OK" : "NULL SUCCESS");
    }

    /** Credentials and verifiers the RPC layer must refuse before any program sees the call. */
    private void badCredential() throws IOException {
        int id = nextXid();
        byte[] args = getattrArgs(target.rootHandle());
        byte[] cred = Wire.ROOT;
        byte[] verf = Wire.NONE;
        Status want = Status.AUTH_BADCRED;
        String what;
        byte[] host = "hostile".getBytes(StandardCharsets.UTF_8);
        switch (rnd.nextInt(8)) {
            case 0 -> {
                int[] flavors = {2, 3, 4, 5, 6, 7, 300000, 390003, 390004, 390005};
                int flavor = rnd.nextInt(4) == 0 ? rnd.nextInt() : flavors[rnd.nextInt(flavors.length)];
                if (flavor == 0 || flavor == 1) flavor = 6;
                cred = Wire.auth(flavor, randomBytes(rnd.nextInt(401)));
                what = "flavor " + flavor;
            }
            case 1 -> {
                int[] gids = new int[17 + rnd.nextInt(30)];
                cred = Wire.auth(Wire.AUTH_SYS, Wire.sysBody(1, host, 0, 0, gids));
                what = gids.length + " gids";
            }
            case 2 -> {
                byte[] name = new byte[256 + rnd.nextInt(45)];
                Arrays.fill(name, (byte) 'm');
                cred = Wire.auth(Wire.AUTH_SYS, Wire.sysBody(1, name, 0, 0, new int[0]));
                what = name.length + "-byte machine name";
            }
            case 3 -> {
                cred = Wire.auth(Wire.AUTH_SYS, randomBytes(401 + rnd.nextInt(600)));
                what = "credential body over 400 bytes";
            }
            case 4 -> {
                byte[] body = Wire.sysBody(1, host, 0, 0, new int[]{1, 2});
                byte[] longer = Arrays.copyOf(body, body.length + 4);
                cred = Wire.auth(Wire.AUTH_SYS, longer);
                what = "AUTH_SYS body longer than its fields";
            }
            case 5 -> {
                byte[] body = Wire.sysBody(1, host, 0, 0, new int[]{1, 2, 3, 4, 5});
                cred = Wire.auth(Wire.AUTH_SYS, Arrays.copyOf(body, body.length - 12));
                what = "AUTH_SYS gid list cut short";
            }
            case 6 -> {
                verf = Wire.auth(rnd.nextBoolean() ? Wire.AUTH_SYS : 6, randomBytes(rnd.nextInt(64)));
                want = Status.AUTH_BADVERF;
                what = "verifier of another flavor";
            }
            default -> {
                verf = Wire.auth(Wire.AUTH_NONE, randomBytes(401 + rnd.nextInt(600)));
                want = Status.AUTH_BADVERF;
                what = "verifier over 400 bytes";
            }
        }
        conn().sendRecord(Wire.call(id, 2, NFS, 3, GETATTR, cred, verf, args));
        expect(Kind.BAD_CREDENTIAL, id, is(want), want + " for " + what);
    }

    /** Unknown program, version, procedure or RPC version. */
    private void unknownProgram() throws IOException {
        int id = nextXid();
        byte[] rec;
        Predicate<Reply> ok;
        String what;
        switch (rnd.nextInt(6)) {
            case 0 -> {
                int prog = rnd.nextInt(3) == 0 ? PORTMAP : rnd.nextInt();
                if (prog == NFS || prog == MOUNT) prog = 99;
                rec = Wire.call(id, prog, 3, rnd.nextInt(4), new byte[0]);
                ok = is(Status.PROG_UNAVAIL);
                what = "PROG_UNAVAIL for program " + prog;
            }
            case 1, 2 -> {
                int prog = rnd.nextBoolean() ? NFS : MOUNT;
                int[] versions = {0, 1, 2, 4, 5, rnd.nextInt()};
                int vers = versions[rnd.nextInt(versions.length)];
                if (vers == 3) vers = 4;
                rec = Wire.call(id, prog, vers, 0, new byte[0]);
                ok = r -> r.status() == Status.PROG_MISMATCH && r.low() == 3 && r.high() == 3;
                what = "PROG_MISMATCH 3..3 for program " + prog + " version " + vers;
            }
            case 3 -> {
                int proc = rnd.nextBoolean() ? 22 + rnd.nextInt(1000) : (rnd.nextInt() | 0x80000000);
                rec = Wire.call(id, NFS, 3, proc, getattrArgs(target.rootHandle()));
                ok = is(Status.PROC_UNAVAIL);
                what = "PROC_UNAVAIL for NFS procedure " + proc;
            }
            case 4 -> {
                int proc = 6 + rnd.nextInt(100);
                rec = Wire.call(id, MOUNT, 3, proc, new byte[0]);
                ok = is(Status.PROC_UNAVAIL);
                what = "PROC_UNAVAIL for MOUNT procedure " + proc;
            }
            default -> {
                int rpcvers = rnd.nextBoolean() ? 3 : rnd.nextInt();
                if (rpcvers == 2) rpcvers = 1;
                rec = Wire.call(id, rpcvers, NFS, 3, 0, Wire.ROOT, Wire.NONE, new byte[0]);
                ok = r -> r.status() == Status.RPC_MISMATCH && r.low() == 2 && r.high() == 2;
                what = "RPC_MISMATCH 2..2 for RPC version " + rpcvers;
            }
        }
        conn().sendRecord(rec);
        expect(Kind.UNKNOWN_PROGRAM, id, ok, what);
    }

    /** Valid headers with arguments that are noise or cut short. */
    private void garbageArgs() throws IOException {
        int id = nextXid();
        byte[] rec;
        Predicate<Reply> ok;
        String what;
        switch (rnd.nextInt(4)) {
            case 0 -> {
                int proc = 1 + rnd.nextInt(21);
                rec = Wire.call(id, NFS, 3, proc, randomBytes(rnd.nextInt(301)));
                // Noise never names a real object: an NFS error or GARBAGE_ARGS, never success.
                ok = r -> r.status() == Status.GARBAGE_ARGS || (r.status() == Status.SUCCESS && r.firstWord() != 0);
                what = "GARBAGE_ARGS or an NFS error for noise as NFS procedure " + proc;
            }
            case 1 -> {
                int proc = HANDLE_PROCS[rnd.nextInt(HANDLE_PROCS.length)];
                byte[] args = argsFor(proc, target.rootHandle());
                int cut = 4 + rnd.nextInt(args.length - 3);
                rec = Wire.call(id, NFS, 3, proc, Arrays.copyOf(args, args.length - cut));
                ok = is(Status.GARBAGE_ARGS);
                what = "GARBAGE_ARGS for NFS procedure " + proc + " with " + cut + " bytes of its arguments missing";
            }
            case 2 -> {
                byte[] data = randomBytes(1 + rnd.nextInt(64));
                byte[] args = new Xdr().opaque(target.bulkHandle()).u64(0).u32(data.length + 1 + rnd.nextInt(100))
                        .u32(0).opaque(data).bytes();
                rec = Wire.call(id, NFS, 3, WRITE, args);
                ok = is(Status.GARBAGE_ARGS);
                what = "GARBAGE_ARGS for a WRITE whose count differs from its data";
            }
            default -> {
                int proc = rnd.nextInt(6);
                byte[] args = proc == MNT && rnd.nextBoolean()
                        ? new Xdr().opaque(randomBytes(rnd.nextInt(1100))).bytes()
                        : randomBytes(rnd.nextInt(301));
                rec = Wire.call(id, MOUNT, 3, proc, args);
                // MNT of noise never mounts; other procedures may succeed or call it garbage.
                ok = r -> r.status() == Status.GARBAGE_ARGS
                        || (r.status() == Status.SUCCESS && (proc != MNT || r.firstWord() != 0));
                what = "an answer (never a mount) for noise as MOUNT procedure " + proc;
            }
        }
        conn().sendRecord(rec);
        expect(Kind.GARBAGE_ARGS, id, ok, what);
    }

    /** Forged handles of every length 0..100, and real handles with one bit flipped: BADHANDLE. */
    private void randomHandle() throws IOException {
        int id = nextXid();
        byte[] fh;
        String what;
        if (rnd.nextInt(5) == 0) {
            byte[] real = rnd.nextBoolean() ? target.rootHandle() : target.bulkHandle();
            fh = real.clone();
            int bit = rnd.nextInt(fh.length * 8);
            fh[bit / 8] ^= (byte) (1 << (bit % 8));
            what = "real handle with bit " + bit + " flipped";
        } else {
            int len = handleLength++ % 101;
            fh = randomBytes(len);
            what = "random handle of " + len + " bytes";
        }
        int proc = HANDLE_PROCS[rnd.nextInt(HANDLE_PROCS.length)];
        conn().sendRecord(Wire.call(id, NFS, 3, proc, argsFor(proc, fh)));
        expect(Kind.RANDOM_HANDLE, id, nfsStatus(BADHANDLE), "NFS3ERR_BADHANDLE for procedure " + proc + ", " + what);
    }

    /** Records the server must ignore (too short, a REPLY, an unknown message type), then a NULL. */
    private void ignoredRecord() throws IOException {
        byte[] junk;
        switch (rnd.nextInt(3)) {
            case 0 -> junk = randomBytes(rnd.nextInt(8));
            case 1 -> junk = new Xdr().u32(nextXid()).u32(Wire.REPLY).raw(randomBytes(rnd.nextInt(64))).bytes();
            default -> junk = new Xdr().u32(nextXid()).u32(2 + rnd.nextInt(1000)).raw(randomBytes(rnd.nextInt(64))).bytes();
        }
        int id = nextXid();
        byte[] a = Wire.frame(junk);
        byte[] b = Wire.frame(Wire.call(id, NFS, 3, 0, new byte[0]));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        conn().send(both);
        expect(Kind.IGNORED_RECORD, id, is(Status.SUCCESS), "no answer to the ignored record, SUCCESS to the NULL after it");
    }

    /** Many calls in one write; every one must be answered exactly once. */
    private void pipeline() throws IOException {
        int n = 20 + rnd.nextInt(280);
        Xdr all = new Xdr();
        Map<Integer, Integer> procs = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int id = nextXid();
            int choice = rnd.nextInt(3);
            byte[] rec = switch (choice) {
                case 0 -> Wire.call(id, NFS, 3, 0, new byte[0]);
                case 1 -> Wire.call(id, NFS, 3, GETATTR, getattrArgs(target.rootHandle()));
                default -> Wire.call(id, NFS, 3, READ, readArgs(target.bulkHandle(),
                        rnd.nextInt(target.bulkSize()), 1 + rnd.nextInt(4096)));
            };
            procs.put(id, choice);
            all.raw(Wire.frame(rec));
        }
        RawConnection c = conn();
        c.send(all.bytes());
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Reply r;
            try {
                r = c.readReply();
            } catch (SocketTimeoutException e) {
                tally.violation(Kind.PIPELINE.name(), "no-reply", (n - i) + " of " + n + " pipelined calls unanswered");
                dropConnection();
                return;
            }
            if (r == null) {
                tally.violation(Kind.PIPELINE.name(), "closed-by-server", "closed with " + (n - i) + " of " + n
                        + " pipelined calls unanswered");
                dropConnection();
                return;
            }
            Integer choice = procs.get(r.xid());
            boolean good = choice != null && seen.add(r.xid()) && r.status() == Status.SUCCESS
                    && (choice == 0 || r.firstWord() == 0 || r.firstWord() == JUKEBOX);
            if (good) {
                tally.count(Kind.PIPELINE.name(), "answered");
            } else {
                tally.violation(Kind.PIPELINE.name(), label(r), "unexpected pipelined reply " + r);
            }
        }
    }

    /**
     * Asks for many 1 MiB READs without reading the replies for a while; then either vanishes
     * (reset) or reads them all late, when every one must have been answered in full.
     */
    private void slowReader() throws IOException {
        int n = 16 + rnd.nextInt(80);
        int first = xid + 1;
        Xdr all = new Xdr();
        for (int i = 0; i < n; i++) {
            all.raw(Wire.frame(Wire.call(nextXid(), NFS, 3, READ, readArgs(target.bulkHandle(), 0, 1 << 20))));
        }
        boolean readLate = rnd.nextBoolean();
        try (RawConnection c = fresh()) {
            c.send(all.bytes());
            long until = System.nanoTime() + (300 + rnd.nextInt(1500)) * 1_000_000L;
            // Hold the connection without reading: replies pile up on the server's side.
            while (System.nanoTime() - until < 0) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!readLate) {
                tally.count(Kind.SLOW_READER.name(), "held-then-reset");
                return;
            }
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                Reply r;
                try {
                    r = c.readReply();
                } catch (SocketTimeoutException e) {
                    tally.violation(Kind.SLOW_READER.name(), "no-reply", (n - i) + " of " + n
                            + " 1 MiB READs never answered (read late)");
                    return;
                }
                if (r == null) {
                    tally.violation(Kind.SLOW_READER.name(), "closed-by-server", "closed with " + (n - i) + " of " + n
                            + " 1 MiB READs unanswered (read late)");
                    return;
                }
                boolean ours = r.xid() - first >= 0 && r.xid() - first < n && seen.add(r.xid())
                        && r.status() == Status.SUCCESS;
                if (ours && r.firstWord() == JUKEBOX) {
                    tally.count(Kind.SLOW_READER.name(), "late-read:" + label(r));
                } else if (ours && r.firstWord() == 0 && r.results().length >= target.bulkSize()) {
                    tally.count(Kind.SLOW_READER.name(), "late-read:SUCCESS/stat=0");
                } else {
                    tally.violation(Kind.SLOW_READER.name(), label(r), "late-read 1 MiB READ answered " + r);
                }
            }
        }
    }
}
