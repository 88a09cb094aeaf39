package org.echofs.cli.node;

import org.echofs.cli.config.GatewayConfig;
import org.echofs.storage.SystemClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

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
}
