package org.echofs.tests.hostile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connections that sit idle for the hostile run: plain ones that send nothing until the end, ones
 * that hold half a record mark, and hoarders that hold a 1 MiB record but its last byte (1 MiB of
 * server memory each). The partial records are completed and their replies checked every
 * {@value #HOLD_MILLIS} ms (below the server's 30 s record timeout) and then held again, until the
 * deadline; the plain ones are checked by {@link #checkPlain}. One thread runs {@link #holdUntil};
 * the counters may be read from any thread.
 */
final class IdleHolders implements AutoCloseable {

    static final int HOLD_MILLIS = 15_000;
    private static final int HOARD_XID = 0x7e570000, MARK_XID = 0x7e571111, PLAIN_XID = 0x1d1e0000;

    private final InetSocketAddress server;
    private final byte[] hoard;
    private final byte[] mark;
    final List<RawConnection> plain = new ArrayList<>();
    final List<RawConnection> halfMarks = new ArrayList<>();
    final List<RawConnection> hoarders = new ArrayList<>();
    /** Partial records completed and answered correctly. */
    final AtomicLong completed = new AtomicLong();
    /** Partial records whose connection failed, by kind. */
    final ConcurrentLinkedQueue<String> hoardFailures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> markFailures = new ConcurrentLinkedQueue<>();

    IdleHolders(InetSocketAddress server, int plainCount, int halfMarkCount, int hoarderCount, int hoardBytes)
            throws IOException {
        this.server = server;
        this.hoard = Wire.frame(Wire.call(HOARD_XID, Attacks.NFS, 3, 0, new byte[hoardBytes - 68]));
        this.mark = Wire.frame(Wire.call(MARK_XID, Attacks.NFS, 3, 0, new byte[0]));
        for (int i = 0; i < plainCount; i++) plain.add(open());
        for (int i = 0; i < halfMarkCount; i++) halfMarks.add(open());
        for (int i = 0; i < hoarderCount; i++) hoarders.add(open());
    }

    private RawConnection open() throws IOException {
        return RawConnection.open(server, Attacks.READ_TIMEOUT_MILLIS);
    }

    /** Holds partial records, completing and re-arming them every {@link #HOLD_MILLIS}, until the deadline. */
    void holdUntil(long deadlineNanos) {
        while (true) {
            arm(halfMarks, Arrays.copyOf(mark, 2), markFailures);
            arm(hoarders, Arrays.copyOf(hoard, hoard.length - 1), hoardFailures);
            long until = Math.min(deadlineNanos, System.nanoTime() + HOLD_MILLIS * 1_000_000L);
            while (System.nanoTime() - until < 0) {
                try {
                    Thread.sleep(Math.max(1, Math.min(200, (until - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    return;
                }
            }
            complete(halfMarks, Arrays.copyOfRange(mark, 2, mark.length), MARK_XID, markFailures);
            complete(hoarders, new byte[]{hoard[hoard.length - 1]}, HOARD_XID, hoardFailures);
            if (System.nanoTime() - deadlineNanos >= 0) return;
        }
    }

    private void arm(List<RawConnection> conns, byte[] partial, ConcurrentLinkedQueue<String> failures) {
        for (int i = 0; i < conns.size(); i++) {
            RawConnection c = conns.get(i);
            if (c == null) continue;
            try {
                c.send(partial);
            } catch (IOException e) {
                failures.add("sending a partial record: " + e);
                c.close();
                conns.set(i, null);
            }
        }
    }

    private void complete(List<RawConnection> conns, byte[] rest, int xid, ConcurrentLinkedQueue<String> failures) {
        for (int i = 0; i < conns.size(); i++) {
            RawConnection c = conns.get(i);
            if (c == null) continue;
            String problem = sendAndExpect(c, rest, xid);
            if (problem == null) {
                completed.incrementAndGet();
            } else {
                failures.add(problem);
                c.close();
                conns.set(i, null); // the server closed it; it stays gone
            }
        }
    }

    /** Sends a NULL on every plain idle connection; the problems (empty when all answered). */
    List<String> checkPlain() {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            int xid = PLAIN_XID + i;
            String p = sendAndExpect(plain.get(i), Wire.frame(Wire.call(xid, Attacks.NFS, 3, 0, new byte[0])), xid);
            if (p != null) problems.add("idle connection " + i + ": " + p);
        }
        return problems;
    }

    /** Null when the reply to {@code xid} came and is SUCCESS, else what went wrong. */
    private static String sendAndExpect(RawConnection c, byte[] bytes, int xid) {
        try {
            c.send(bytes);
            Wire.Reply r = c.readReply();
            if (r == null) return "closed by the server";
            if (r.xid() != xid || r.status() != Wire.Status.SUCCESS) return "answered " + r;
            return null;
        } catch (SocketTimeoutException e) {
            return "no reply within " + Attacks.READ_TIMEOUT_MILLIS + " ms";
        } catch (IOException e) {
            return e.toString();
        }
    }

    int total() {
        return plain.size() + halfMarks.size() + hoarders.size();
    }

    @Override
    public void close() {
        for (List<RawConnection> l : List.of(plain, halfMarks, hoarders)) {
            for (RawConnection c : l) {
                if (c != null) c.close();
            }
        }
    }
}
