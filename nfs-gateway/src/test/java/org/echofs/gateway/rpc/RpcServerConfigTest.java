package org.echofs.gateway.rpc;

import com.codahale.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings are checked up front, and a bind failure is reported with the address. */
class RpcServerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        RpcServerConfig c = RpcServerConfig.defaults();
        assertEquals(2049, c.port());
        assertEquals(1024 * 1024 + 64 * 1024, c.maxRecordSize());
        assertEquals(1024, c.maxConnections());
        assertEquals(128, c.maxCallsInFlightPerConnection());
        assertEquals(Duration.ofMinutes(5), c.idleTimeout());
        assertEquals(Duration.ofSeconds(30), c.recordTimeout());
        assertEquals(Duration.ofSeconds(30), c.writeStallTimeout());
        assertEquals(16L * 1024 * 1024, c.connectionBudget());
        long half = io.netty.util.internal.PlatformDependent.maxDirectMemory() / 2;
        assertEquals(Math.max(16L << 20, Math.min(1L << 30, half)), c.memoryBudget());
        assertEquals(c.memoryBudget(), RpcServerConfig.defaultMemoryBudget());
        assertEquals(Duration.ofSeconds(120), c.drcMaxAge());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.ioThreads());
        assertTrue(c.bindAddress().isLoopbackAddress());
        assertEquals(111, RpcServerConfig.portmapDefaults().port());
        assertEquals(RpcServerConfig.DERIVED_MAX_SLABS, c.maxSlabs());
        assertEquals(Math.min(64, c.memoryBudget() / 3 / (1024 * 1024 + 64 * 1024)), c.slabs());
        assertEquals(0, RpcServerConfig.portmapDefaults().maxSlabs());
    }

    @Test
    void badValuesNameTheirField() {
        RpcServerConfig c = RpcServerConfig.defaults();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withPort(70000)).getMessage().contains("port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withIoThreads(0)).getMessage()
                .contains("ioThreads"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withRecordTimeout(Duration.ZERO)).getMessage()
                .contains("recordTimeout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withMemoryBudget(1000)).getMessage()
                .contains("memoryBudget"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withConnectionBudget(1000)).getMessage()
                .contains("connectionBudget"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withWriteStallTimeout(Duration.ZERO))
                .getMessage().contains("writeStallTimeout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withMaxSlabs(-2)).getMessage()
                .contains("maxSlabs"));
        assertEquals(0, c.withMaxSlabs(0).slabs());
    }

    @Test
    void duplicateProgramNumbersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RpcServer(RpcServerConfig.defaults(),
                List.of(new TestProgram(), new TestProgram()), new MetricRegistry()));
    }

    @Test
    void portInUseIsAnUncheckedIOExceptionNamingTheAddress() {
        try (ServerFixture fx = new ServerFixture()) {
            RpcServer second = new RpcServer(ServerFixture.testConfig().withPort(fx.address.getPort())
                    .withMetricPrefix("rpc2"), List.of(new TestProgram()), fx.metrics);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, second::start);
            assertTrue(e.getMessage().contains(String.valueOf(fx.address.getPort())), e.getMessage());
            second.close();
            // Its gauges were removed again; the first server's remain.
            assertTrue(fx.metrics.getGauges().keySet().stream().noneMatch(n -> n.startsWith("rpc2.")));
            assertTrue(fx.metrics.getGauges().containsKey("rpc.buffered.bytes"));
        }
    }

    @Test
    void closeIsIdempotentAndStartAfterCloseFails() {
        RpcServer s = new RpcServer(ServerFixture.testConfig(), List.of(new TestProgram()), new MetricRegistry());
        InetSocketAddress a = s.start();
        assertTrue(a.getPort() > 0);
        assertEquals(a, s.localAddress());
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, s::start);
    }
}
