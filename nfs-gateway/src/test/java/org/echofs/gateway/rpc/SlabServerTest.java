package org.echofs.gateway.rpc;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.netty.buffer.ByteBuf;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slabs in a running server: large records and large result data use them, every one comes back
 * whatever becomes of its call or connection, the pool stays within its bound, and the memory
 * budget counts a record in a slab by its whole size.
 */
class SlabServerTest {

    private static final int MIB = 1024 * 1024;

    /** Large data both ways, to see where its buffers come from. */
    static final class DataProgram implements RpcProgram {
        static final int PROG = 400300;
        /** Arguments: an opaque. Results: its length and CRC32C. */
        static final int SUM = 1;
        /** Parks the call in {@link #held}. */
        static final int HOLD = 2;
        /**
         * Arguments: int n, int fill. Results: an opaque of n bytes of {@code fill}, read into a
         * buffer of the data allocator and appended without a copy, as the NFS READ does.
         */
        static final int DATA = 3;

        final LinkedBlockingQueue<RpcCall> held = new LinkedBlockingQueue<>();

        @Override public int program() { return PROG; }

        @Override public int lowVersion() { return 1; }

        @Override public int highVersion() { return 1; }

        @Override public boolean hasProcedure(int version, int procedure) { return procedure >= 0 && procedure <= DATA; }

        @Override public boolean isNonIdempotent(int version, int procedure) { return false; }

        @Override public String procedureName(int version, int procedure) { return "D" + procedure; }

        @Override
        public int replyReservation(int version, int procedure, org.echofs.gateway.xdr.XdrDecoder args)
                throws XdrException {
            return procedure == DATA ? args.readInt() + 8 : DEFAULT_REPLY_RESERVATION;
        }

        @Override
        public void dispatch(RpcCall call) {
            try {
                switch (call.procedure()) {
                    case 0 -> call.reply(XdrWritable.VOID);
                    case SUM -> {
                        ByteBuf data = call.args().readOpaqueSlice(4 * MIB);
                        CRC32C crc = new CRC32C();
                        crc.update(data.nioBuffer());
                        int len = data.readableBytes();
                        int sum = (int) crc.getValue();
                        call.reply(enc -> enc.writeInt(len).writeInt(sum));
                    }
                    case HOLD -> held.add(call);
                    case DATA -> {
                        int n = call.args().readInt();
                        int fill = call.args().readInt();
                        ByteBuf data = call.dataAllocator().directBuffer(n, n);
                        byte[] b = new byte[n];
                        Arrays.fill(b, (byte) fill);
                        data.writeBytes(b);
                        call.reply(enc -> enc.appendOpaque(data));
                    }
                    default -> call.replyProcedureUnavailable();
                }
            } catch (XdrException e) {
                call.replyGarbageArgs();
            }
        }
    }

    private final MetricRegistry metrics = new MetricRegistry();
    private final DataProgram program = new DataProgram();
    private final List<RpcClient> clients = new ArrayList<>();
    private RpcServer server;
    private InetSocketAddress address;

    @AfterEach
    void tearDown() {
        RpcCall c;
        while ((c = program.held.poll()) != null) c.drop();
        for (RpcClient cl : clients) cl.close();
        if (server != null) server.close();
    }

    private void start(RpcServerConfig config) {
        server = new RpcServer(config, List.of(program), metrics);
        address = server.start();
    }

    private RpcClient client() throws IOException {
        RpcClient c = RpcClient.connect(address, RpcClientConfig.defaults().withCallTimeout(Duration.ofSeconds(10)));
        clients.add(c);
        return c;
    }

    private long gauge(String name) {
        Gauge<?> g = metrics.getGauges().get("rpc." + name);
        return ((Number) g.getValue()).longValue();
    }

    private long count(String name) {
        return metrics.counter("rpc." + name).getCount();
    }

    private void awaitSettled() {
        Await.until(() -> gauge("slabs.in_use") == 0, () -> "slabs in use " + gauge("slabs.in_use"));
        Await.until(() -> server.reservedBytes() == 0, () -> "reserved " + server.reservedBytes());
        assertEquals(0, server.bufferedBytes());
    }

    private static XdrWritable opaque(byte[] b) {
        return enc -> enc.writeOpaque(b);
    }

    private static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    @Test
    void largeRecordsArriveInReusedSlabs() throws Exception {
        start(ServerFixture.testConfig().withMaxSlabs(4));
        assertEquals(4, gauge("slabs.max"));
        RpcClient c = client();
        Random rnd = new Random(41);
        for (int i = 0; i < 20; i++) {
            byte[] data = new byte[MIB];
            rnd.nextBytes(data);
            try (RpcReply r = c.call(DataProgram.PROG, 1, DataProgram.SUM, Credential.NONE, opaque(data))
                    .get(10, TimeUnit.SECONDS)) {
                assertTrue(r.isSuccess());
                assertEquals(MIB, r.results().readInt());
                assertEquals(crc(data), r.results().readInt(), "the record's bytes survive the slab");
            }
        }
        assertEquals(20, count("slabs.taken"), "every 1 MiB call was received into a slab");
        assertEquals(1, gauge("slabs.allocated"), "one call at a time needs one slab, reused");
        awaitSettled();
    }

    @Test
    void largeResultDataComesFromSlabsAndGoesBackOnceWritten() throws Exception {
        start(ServerFixture.testConfig().withMaxSlabs(4));
        RpcClient c = client();
        List<CompletableFuture<RpcReply>> replies = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            replies.add(c.call(DataProgram.PROG, 1, DataProgram.DATA, Credential.NONE,
                    enc -> enc.writeInt(MIB).writeInt(7)));
        }
        for (CompletableFuture<RpcReply> f : replies) {
            try (RpcReply r = f.get(10, TimeUnit.SECONDS)) {
                assertTrue(r.isSuccess());
                byte[] got = r.results().readOpaque(MIB);
                byte[] want = new byte[MIB];
                Arrays.fill(want, (byte) 7);
                assertArrayEquals(want, got);
            }
        }
        assertTrue(gauge("slabs.allocated") <= 4, "allocated " + gauge("slabs.allocated"));
        assertEquals(16, count("slabs.taken") + count("slabs.fallbacks"));
        assertTrue(count("slabs.taken") >= 4);
        // Small data does not take slabs.
        try (RpcReply r = c.call(DataProgram.PROG, 1, DataProgram.DATA, Credential.NONE,
                enc -> enc.writeInt(4096).writeInt(1)).get(10, TimeUnit.SECONDS)) {
            assertEquals(4096, r.results().readOpaque(MIB).length);
        }
        assertEquals(16, count("slabs.taken") + count("slabs.fallbacks"));
        awaitSettled();
    }

    @Test
    void beyondTheBoundCallsFallBackAndAllComplete() throws Exception {
        start(ServerFixture.testConfig().withMaxSlabs(1));
        RpcClient a = client();
        RpcClient b = client();
        byte[] data = new byte[MIB];
        new Random(42).nextBytes(data);
        CompletableFuture<RpcReply> heldA = a.call(DataProgram.PROG, 1, DataProgram.HOLD, Credential.NONE, opaque(data));
        RpcCall first = program.held.poll(10, TimeUnit.SECONDS);
        assertEquals(1, gauge("slabs.in_use"), "the held call's record keeps its slab");
        CompletableFuture<RpcReply> heldB = b.call(DataProgram.PROG, 1, DataProgram.HOLD, Credential.NONE, opaque(data));
        RpcCall second = program.held.poll(10, TimeUnit.SECONDS);
        assertEquals(1, count("slabs.fallbacks"), "the second record found no free slab");
        assertEquals(1, gauge("slabs.allocated"));
        assertEquals(1, gauge("slabs.in_use"));
        first.reply(XdrWritable.VOID);
        second.reply(XdrWritable.VOID);
        heldA.get(10, TimeUnit.SECONDS).close();
        heldB.get(10, TimeUnit.SECONDS).close();
        awaitSettled();
        assertEquals(1, gauge("slabs.allocated"), "the slab is kept for the next record");
    }

    @Test
    void slabsComeBackFromDroppedCallsAndClosedConnections() throws Exception {
        start(ServerFixture.testConfig().withMaxSlabs(4));
        byte[] data = new byte[MIB];
        // A call dropped by its program.
        RpcClient a = client();
        a.call(DataProgram.PROG, 1, DataProgram.HOLD, Credential.NONE, opaque(data));
        program.held.poll(10, TimeUnit.SECONDS).drop();
        Await.until(() -> gauge("slabs.in_use") == 0, () -> "in use after a drop");
        // A call whose connection closes while it runs, answered afterwards.
        RpcClient b = client();
        b.call(DataProgram.PROG, 1, DataProgram.HOLD, Credential.NONE, opaque(data));
        RpcCall running = program.held.poll(10, TimeUnit.SECONDS);
        b.close();
        Await.until(() -> server.openConnections() == 1, () -> "connection closed");
        assertEquals(1, gauge("slabs.in_use"));
        running.reply(XdrWritable.VOID);
        Await.until(() -> gauge("slabs.in_use") == 0, () -> "in use after answering a closed connection's call");
        // A partial record in a slab when its connection closes; it is charged whole meanwhile.
        RpcClient c = client();
        byte[] call = RawCall.record(RawCall.call(99, DataProgram.PROG, 1, DataProgram.SUM,
                RawCall.xdr().opaque(data).get()));
        int recordSize = call.length - 4;
        c.sendRaw(Arrays.copyOf(call, 300_000)).get(10, TimeUnit.SECONDS);
        Await.until(() -> gauge("slabs.in_use") == 1, () -> "partial record in a slab");
        Await.until(() -> server.bufferedBytes() == recordSize, () -> "buffered " + server.bufferedBytes());
        c.close();
        awaitSettled();
        // And a partial record completed later is answered.
        RpcClient d = client();
        CompletableFuture<RpcReply> reply = d.expectReply(99, Duration.ofSeconds(10));
        d.sendRaw(Arrays.copyOf(call, 500_000));
        Await.until(() -> gauge("slabs.in_use") == 1, () -> "partial record in a slab");
        d.sendRaw(Arrays.copyOfRange(call, 500_000, call.length));
        try (RpcReply r = reply.get(10, TimeUnit.SECONDS)) {
            assertEquals(MIB, r.results().readInt());
            assertEquals(crc(data), r.results().readInt());
        }
        awaitSettled();
        assertTrue(gauge("slabs.allocated") <= 2, "allocated " + gauge("slabs.allocated"));
    }

    @Test
    void closingTheServerDropsItsSlabsAndGauges() throws Exception {
        start(ServerFixture.testConfig().withMaxSlabs(2));
        RpcClient c = client();
        c.call(DataProgram.PROG, 1, DataProgram.SUM, Credential.NONE, opaque(new byte[MIB])).get(10, TimeUnit.SECONDS)
                .close();
        assertEquals(1, gauge("slabs.allocated"));
        server.close();
        assertNull(metrics.getGauges().get("rpc.slabs.allocated"));
    }

    @Test
    void noSlabsMeansThePooledPathAsBefore() throws Exception {
        start(ServerFixture.testConfig().withMaxSlabs(0));
        RpcClient c = client();
        byte[] data = new byte[MIB];
        new Random(43).nextBytes(data);
        try (RpcReply r = c.call(DataProgram.PROG, 1, DataProgram.SUM, Credential.NONE, opaque(data))
                .get(10, TimeUnit.SECONDS)) {
            assertEquals(MIB, r.results().readInt());
            assertEquals(crc(data), r.results().readInt());
        }
        assertEquals(0, gauge("slabs.allocated"));
        assertEquals(0, count("slabs.taken"));
        assertEquals(0, count("slabs.fallbacks"));
        awaitSettled();
    }

    @Test
    void derivedBoundFollowsTheBudget() {
        RpcServerConfig c = ServerFixture.testConfig().withMemoryBudget(64L * MIB);
        int slab = SlabAllocator.slabSize(c.maxRecordSize());
        assertEquals(RpcServerConfig.DERIVED_MAX_SLABS, c.maxSlabs());
        assertEquals(64L * MIB / 3 / slab, c.slabs());
        assertEquals(RpcServerConfig.MAX_DERIVED_SLABS, c.withMemoryBudget(1024L * MIB).slabs());
        assertEquals(5, c.withMaxSlabs(5).slabs());
        assertEquals(0, RpcServerConfig.portmapDefaults().slabs());
    }
}
