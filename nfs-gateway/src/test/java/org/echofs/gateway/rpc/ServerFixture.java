package org.echofs.gateway.rpc;

import com.codahale.metrics.MetricRegistry;
import org.echofs.core.time.Clock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A server on 127.0.0.1 (ephemeral port) with a {@link TestProgram}, and clients to it. */
final class ServerFixture implements AutoCloseable {

    final TestProgram program = new TestProgram();
    final MetricRegistry metrics = new MetricRegistry();
    final RpcServer server;
    final InetSocketAddress address;
    private final List<RpcClient> clients = new ArrayList<>();

    static RpcServerConfig testConfig() {
        return RpcServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0).withIoThreads(2);
    }

    ServerFixture() {
        this(testConfig());
    }

    ServerFixture(RpcServerConfig config) {
        this(config, null);
    }

    ServerFixture(RpcServerConfig config, Clock clock) {
        server = clock == null ? new RpcServer(config, List.of(program), metrics)
                : new RpcServer(config, List.of(program), metrics, clock);
        address = server.start();
    }

    RpcClient client() {
        return client(RpcClientConfig.defaults().withCallTimeout(Duration.ofSeconds(10)));
    }

    RpcClient client(RpcClientConfig config) {
        try {
            RpcClient c = RpcClient.connect(address, config);
            synchronized (clients) {
                clients.add(c);
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long count(String name) {
        return metrics.counter("rpc." + name).getCount();
    }

    /** Drops every call the program still holds, so their buffers are released. */
    void dropHeld() {
        RpcCall c;
        while ((c = program.held.poll()) != null) {
            if (!c.isDone()) c.drop();
        }
    }

    @Override
    public void close() {
        dropHeld();
        synchronized (clients) {
            for (RpcClient c : clients) c.close();
        }
        server.close();
    }
}
