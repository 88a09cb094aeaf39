package org.echofs.cli.node;

import org.echofs.cli.config.ConfigLoader;
import org.echofs.cli.config.GatewayConfig;
import org.echofs.gateway.rpc.RpcServerConfig;
import org.echofs.storage.SystemClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandaloneGatewayTest {

    @TempDir
    Path tmp;

    @Test
    void aFailedStartClosesWhatItHadOpened() throws Exception {
        GatewayConfig config = GatewayConfig.defaults(tmp.resolve("gateway.yaml"));
        StandaloneGateway gateway = new StandaloneGateway(config, new SystemClock());

        IOException e = assertThrows(IOException.class, gateway::start);

        assertTrue(e.getMessage().contains("cluster.secret does not exist"), e.getMessage());
        ObjectName jvmGauges = new ObjectName("echofs:name=jvm.memory.heap.used,*");
        assertTrue(ManagementFactory.getPlatformMBeanServer().queryNames(jvmGauges, null).isEmpty(),
                "the JMX exposure started before the failure must be closed again");
        gateway.close();
        assertThrows(IllegalStateException.class, gateway::start);
    }

    @Test
    void rpcSettingsComeFromTheRpcSection() throws Exception {
        Path file = tmp.resolve("gateway.yaml");
        java.nio.file.Files.writeString(file, """
                bind: 127.0.0.5
                nfs: {port: 3049}
                rpc: {max-record-size: 2MiB, max-connections: 7, memory-budget: 96MiB, connection-budget: 8MiB,
                      write-stall-timeout: 45s}
                """);
        RpcServerConfig c = StandaloneGateway.rpcConfig(ConfigLoader.load(file));
        assertEquals("127.0.0.5", c.bindAddress().getHostAddress());
        assertEquals(3049, c.port());
        assertEquals(2 << 20, c.maxRecordSize());
        assertEquals(7, c.maxConnections());
        assertEquals(96L << 20, c.memoryBudget());
        assertEquals(8L << 20, c.connectionBudget());
        assertEquals(Duration.ofSeconds(45), c.writeStallTimeout());

        // Without memory-budget: derived from the JVM, but at least twice the record size.
        RpcServerConfig derived = StandaloneGateway.rpcConfig(GatewayConfig.defaults(file));
        assertEquals(RpcServerConfig.defaultMemoryBudget(), derived.memoryBudget());
        java.nio.file.Files.writeString(file, "rpc: {max-record-size: 256MiB}\n");
        RpcServerConfig huge = StandaloneGateway.rpcConfig(ConfigLoader.load(file));
        assertTrue(huge.memoryBudget() >= 512L << 20, "memory budget " + huge.memoryBudget());
        assertEquals(512L << 20, huge.connectionBudget());
    }
}
