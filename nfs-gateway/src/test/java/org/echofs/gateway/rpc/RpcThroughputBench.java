package org.echofs.gateway.rpc;

import com.codahale.metrics.MetricRegistry;
import io.netty.channel.EventLoopGroup;
import org.echofs.gateway.xdr.XdrWritable;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Pipelined NULL (or ECHO) calls per second through {@link RpcClient} and {@link RpcServer} on
 * loopback, closed loop: each connection keeps {@code depth} calls in flight and issues the next
 * from the completion of the last. A measuring tool, not a test:
 *
 * <pre>
 * java -cp ... org.echofs.gateway.rpc.RpcThroughputBench [connections] [depth] [seconds] [argBytes] [serverThreads] [async]
 * </pre>
 *
 * With {@code async} the program answers every call from one worker thread instead of the I/O
 * thread, as NFS procedures that touch storage do.
 */
public final class RpcThroughputBench {

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int depth = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int argBytes = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        int serverThreads = args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
        boolean async = args.length > 5 && args[5].equals("async");
        java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor();
        TestProgram testProgram = new TestProgram();
        RpcProgram program = !async ? testProgram : new RpcProgram() {
            @Override public int program() { return TestProgram.PROG; }
            @Override public int lowVersion() { return 1; }
            @Override public int highVersion() { return 1; }
            @Override public boolean hasProcedure(int version, int procedure) { return true; }
            @Override public boolean isNonIdempotent(int version, int procedure) { return false; }
            @Override public String procedureName(int version, int procedure) { return "P" + procedure; }
            @Override public void dispatch(RpcCall call) { worker.execute(() -> testProgram.dispatch(call)); }
        };
        MetricRegistry metrics = new MetricRegistry();
        RpcServer server = new RpcServer(ServerFixture.testConfig().withIoThreads(serverThreads), List.of(program),
                metrics);
        InetSocketAddress addr = server.start();
        EventLoopGroup group = RpcClient.newEventLoopGroup(Math.min(connections, 2));
        List<RpcClient> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(RpcClient.connect(addr, RpcClientConfig.defaults(), group));
        }
        LongAdder done = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        byte[] payload = new byte[argBytes];
        int proc = argBytes > 0 ? TestProgram.ECHO : TestProgram.NULL;
        XdrWritable body = argBytes > 0 ? enc -> enc.writeOpaque(payload) : XdrWritable.VOID;
        for (RpcClient c : clients) {
            for (int d = 0; d < depth; d++) {
                loop(c, proc, body, done, stop);
            }
        }
        long last = done.sum();
        long measured = 0;
        for (int s = 0; s <= seconds; s++) {
            TimeUnit.SECONDS.sleep(1);
            long now = done.sum();
            System.out.printf("%s %,d calls/s (connections %d, depth %d, args %d B, server threads %d%s)%n",
                    s == 0 ? "warm-up" : "second " + s, now - last, connections, depth, argBytes, serverThreads,
                    async ? ", async replies" : "");
            if (s > 0) measured += now - last;
            last = now;
        }
        stop.set(true);
        System.out.printf("mean %,d calls/s; flushes per reply %.4f%n", measured / Math.max(1, seconds),
                metrics.counter("rpc.flushes").getCount() / (double) metrics.counter("rpc.replies.success").getCount());
        for (RpcClient c : clients) c.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        server.close();
        worker.shutdown();
    }

    private static void loop(RpcClient c, int proc, XdrWritable body, LongAdder done, AtomicBoolean stop) {
        c.call(TestProgram.PROG, 1, proc, Credential.NONE, body).whenComplete((r, e) -> {
            if (r != null) {
                r.close();
                done.increment();
            }
            if (e == null && !stop.get()) loop(c, proc, body, done, stop);
        });
    }
}
