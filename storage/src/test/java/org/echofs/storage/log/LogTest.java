package org.echofs.storage.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.echofs.core.fs.FileType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTest {

    @TempDir Path dir;
    final ExecutorService completions = Executors.newSingleThreadExecutor(r -> new Thread(r, "completion"));
    final MetricRegistry metrics = new MetricRegistry();
    static final long SEGMENT = 256 << 10;

    @AfterEach void stop() {
        completions.shutdownNow();
    }

    static List<UpdateRecord> samples() {
        return List.of(
                new UpdateRecord.Create(1, "näme", 3, 77, 2, FileType.SYMLINK, 0777, 10, 20, 6, 0, 0, "target",
                        0, 5, 6, 7),
                new UpdateRecord.Create(1, "dev", 4, 78, 2, FileType.CHAR, 0600, 0, 0, 0, 4, 64, null, 99, 1, 2, 3),
                new UpdateRecord.Remove(1, "x", 77, 9),
                new UpdateRecord.Rename(1, "a", 2, "b", 77, 0, 12, 9),
                new UpdateRecord.Rename(1, "a", 1, "c", 77, 80, 13, 9),
                new UpdateRecord.Link(77, 2, "l", 14, 10),
                new UpdateRecord.SetAttr(77, 0644, null, 5, 100L, null, 8L, 11),
                new UpdateRecord.SetAttr(77, null, null, null, null, null, null, 12),
                new UpdateRecord.SizeTimes(77, 4096, 13, 14),
                new UpdateRecord.ReserveIds(65536));
    }

    @Test void everyRecordKindRoundTrips() {
        for (UpdateRecord r : samples()) {
            assertEquals(r, RecordCodec.decode(ByteBuffer.wrap(RecordCodec.encode(r))));
        }
    }

    @Test void malformedRecordsAreRejected() {
        byte[] ok = RecordCodec.encode(samples().get(0));
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(ByteBuffer.wrap(ok, 0, ok.length - 1)));
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(ByteBuffer.wrap(longer)));
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(ByteBuffer.wrap(new byte[] {42})));
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.encode(
                new UpdateRecord.Create(1, "n", 3, 2, 1, FileType.SYMLINK, 0, 0, 0, 0, 0, 0, "x".repeat(70_000), 0, 0, 0, 0)));
    }

    @Test void utf8LengthMatchesTheEncoder() {
        for (String s : new String[] {"", "abc", "é", "日本", "\uD83D\uDE00", "a\uD800b"}) {
            assertEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, RecordCodec.utf8Length(s), s);
        }
    }

    private LogWriter writer(LogRecovery.Result rec, long durable) throws IOException {
        return new LogWriter(dir, rec, durable, SEGMENT, completions, metrics, new org.echofs.core.time.ManualClock(0), () -> { });
    }

    @Test void recordsComeBackInOrderAcrossSegmentsAndFuturesCompleteOnTheCompletionThread() throws Exception {
        LogWriter w = writer(LogRecovery.recover(dir, 0, e -> { }), 0);
        List<CompletableFuture<String>> threads = new ArrayList<>();
        int n = 20000;
        for (long lsn = 1; lsn <= n; lsn++) {
            byte[] p = RecordCodec.encode(new UpdateRecord.Link(lsn, 1, "name-" + lsn, lsn + 3, lsn));
            assertTrue(w.hasRoomFor(p.length), "an append waits for the spare segment rather than refusing");
            w.append(lsn, p);
            if (lsn % 2000 == 0) threads.add(w.durable(lsn).thenApply(v -> Thread.currentThread().getName()));
        }
        // A continuation runs on the completion thread, or on the caller when the future was already
        // complete as it was attached; never on the log writer's own thread.
        String caller = Thread.currentThread().getName();
        for (CompletableFuture<String> t : threads) {
            String ran = t.get(10, TimeUnit.SECONDS);
            assertTrue(ran.equals("completion") || ran.equals(caller), "continuation ran on " + ran);
        }
        assertEquals(n, w.durableLsn());
        assertTrue(metrics.counter("storage.log.rolls").getCount() >= 2);
        w.close();
        List<LogEntry> back = new ArrayList<>();
        LogRecovery.Result rec = LogRecovery.recover(dir, 1000, back::add);
        assertEquals(n - 1000, back.size());
        for (int i = 0; i < back.size(); i++) {
            assertEquals(1001 + i, back.get(i).lsn());
            assertEquals("name-" + (1001 + i), ((UpdateRecord.Link) back.get(i).record()).name());
        }
        assertEquals(n, rec.lastLsn());
        assertFalse(rec.truncatedTail());
        LogWriter again = writer(rec, n);
        assertEquals(n, again.deleteSegmentsThrough(n) >= 0 ? n : -1);
        assertEquals(1, again.segmentCount());
        byte[] p = RecordCodec.encode(new UpdateRecord.ReserveIds(9));
        again.append(n + 1, p);
        again.durable(n + 1).get(10, TimeUnit.SECONDS);
        again.close();
        List<LogEntry> tail = new ArrayList<>();
        LogRecovery.recover(dir, n, tail::add);
        assertEquals(List.of(new LogEntry(n + 1, new UpdateRecord.ReserveIds(9))), tail);
    }

    @Test void missingRecordsAfterTheAppliedLsnAreRefused() throws Exception {
        LogWriter w = writer(LogRecovery.recover(dir, 0, e -> { }), 10);
        byte[] p = RecordCodec.encode(new UpdateRecord.ReserveIds(5));
        w.append(11, p);
        w.append(12, p);
        w.durable(12).get(10, TimeUnit.SECONDS);
        w.close();
        IOException e = assertThrows(IOException.class, () -> LogRecovery.recover(dir, 5, x -> { }));
        assertTrue(e.getMessage().contains("lacks records 6..10"), e.getMessage());
        List<LogEntry> fromTen = new ArrayList<>();
        LogRecovery.recover(dir, 10, fromTen::add);
        assertEquals(2, fromTen.size());
        List<LogEntry> aheadOfLog = new ArrayList<>();
        LogRecovery.Result r = LogRecovery.recover(dir, 20, aheadOfLog::add);
        assertTrue(aheadOfLog.isEmpty());
        assertEquals(12, r.lastLsn());
    }

    @Test void aSpareSegmentIsKeptReady() throws Exception {
        LogWriter w = writer(LogRecovery.recover(dir, 0, e -> { }), 0);
        assertTrue(w.spareReady());
        assertEquals(SEGMENT, Files.size(dir.resolve("spare.log")));
        w.close();
    }
}
