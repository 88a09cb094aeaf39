package org.echofs.gateway.rpc;

import org.echofs.gateway.xdr.XdrWritable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.echofs.gateway.rpc.TestProgram.PROG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's own behaviour: timeouts, closing, concurrency. */
class RpcClientTest {

    private final ServerFixture fx = new ServerFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private RpcClient fastTimeouts() {
        return fx.client(RpcClientConfig.defaults().withTimeoutResolution(Duration.ofMillis(10)));
    }

    @Test
    void callWithoutReplyTimesOutAndALateReplyIsDiscarded() throws Exception {
        RpcClient c = fastTimeouts();
        long start = System.nanoTime();
        CompletableFuture<RpcReply> f = c.call(PROG, 1, TestProgram.HOLD, Credential.NONE, XdrWritable.VOID,
                Duration.ofMillis(150));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("program " + PROG), e.getCause().getMessage());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150));
        RpcCall held = fx.program.held.poll(10, TimeUnit.SECONDS);
        held.reply(XdrWritable.VOID);
        Await.until(() -> c.unmatchedReplies() == 1, () -> "late reply");
        // The connection is still usable.
        try (RpcReply r = c.call(PROG, 1, TestProgram.NULL, Credential.NONE, null).get(10, TimeUnit.SECONDS)) {
            assertTrue(r.isSuccess());
        }
    }

    @Test
    void defaultTimeoutComesFromTheConfig() {
        RpcClient c = fx.client(RpcClientConfig.defaults().withCallTimeout(Duration.ofMillis(100))
                .withTimeoutResolution(Duration.ofMillis(10)));
        CompletableFuture<RpcReply> f = c.call(PROG, 1, TestProgram.HOLD, Credential.NONE, XdrWritable.VOID);
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
    }

    @Test
    void closingFailsPendingCallsAndLaterCalls() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply> f = c.call(PROG, 1, TestProgram.HOLD, Credential.NONE, XdrWritable.VOID);
        RpcCall held = fx.program.held.poll(10, TimeUnit.SECONDS);
        c.close();
        held.drop();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        CompletableFuture<RpcReply> after = c.call(PROG, 1, TestProgram.NULL, Credential.NONE, null);
        e = assertThrows(ExecutionException.class, () -> after.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(c.closeFuture().isDone());
    }

    @Test
    void serverClosingFailsPendingCalls() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply> f = c.call(PROG, 1, TestProgram.HOLD, Credential.NONE, XdrWritable.VOID);
        RpcCall held = fx.program.held.poll(10, TimeUnit.SECONDS);
        fx.server.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        held.reply(XdrWritable.VOID); // after the server is gone: released, no error
        assertTrue(held.isDone());
    }

    @Test
    void connectFailureIsAnIOException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThrows(IOException.class,
                () -> RpcClient.connect(new InetSocketAddress("127.0.0.1", port), RpcClientConfig.defaults()));
    }

    @Test
    void replyOverTheClientLimitClosesAndFailsPendingCalls() throws Exception {
        RpcClient c = fx.client(RpcClientConfig.defaults().withMaxRecordSize(1024));
        CompletableFuture<RpcReply> small = c.call(PROG, 1, TestProgram.HOLD, Credential.NONE, XdrWritable.VOID);
        RpcCall held = fx.program.held.poll(10, TimeUnit.SECONDS);
        CompletableFuture<RpcReply> big = c.call(PROG, 1, TestProgram.ECHO, Credential.NONE,
                enc -> enc.writeOpaque(new byte[2000]));
        ExecutionException e = assertThrows(ExecutionException.class, () -> big.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        e = assertThrows(ExecutionException.class, () -> small.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        c.closeFuture().get(10, TimeUnit.SECONDS);
        held.drop();
    }

    @Test
    void replyInFragmentsAcrossSegmentsIsReassembled() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (java.net.Socket s = listener.accept()) {
                    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                    int mark = in.readInt();
                    byte[] call = new byte[mark & 0x7fffffff];
                    in.readFully(call);
                    int xid = java.nio.ByteBuffer.wrap(call).getInt();
                    // An accepted SUCCESS reply whose results are the ints 1..50, in 3 fragments.
                    RawCall.Xdr reply = RawCall.xdr().i(xid).i(1).i(0).i(0).i(0).i(0);
                    for (int i = 1; i <= 50; i++) reply.i(i);
                    byte[] msg = reply.get();
                    byte[] wire = RawCall.fragments(msg, 10, 0, 100, msg.length - 110);
                    java.io.OutputStream out = s.getOutputStream();
                    for (int cut = 0; cut < wire.length; cut += 7) {
                        out.write(wire, cut, Math.min(7, wire.length - cut));
                        out.flush();
                    }
                    in.read(); // wait for the client to close
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (RpcClient c = RpcClient.connect((InetSocketAddress) listener.getLocalSocketAddress(),
                    RpcClientConfig.defaults())) {
                try (RpcReply r = c.call(7, 1, 1, Credential.NONE, null).get(10, TimeUnit.SECONDS)) {
                    for (int i = 1; i <= 50; i++) assertEquals(i, r.results().readInt());
                    assertEquals(0, r.results().remaining());
                }
            }
            served.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void argumentsThatThrowFailTheFutureOnly() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply> f = c.call(PROG, 1, TestProgram.NULL, Credential.NONE, enc -> {
            throw new IllegalStateException("bad args");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        c.call(PROG, 1, TestProgram.NULL, Credential.NONE, null).get(10, TimeUnit.SECONDS).close();
    }

    @Test
    void manyThreadsShareOneClient() throws Exception {
        RpcClient c = fx.client();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int base = t * 10_000;
                jobs.add(pool.submit(() -> {
                    List<CompletableFuture<RpcReply>> fs = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        int v = base + i;
                        fs.add(c.call(PROG, 1, TestProgram.ONE_INT, Credential.NONE, enc -> enc.writeInt(v)));
                    }
                    for (int i = 0; i < 500; i++) {
                        try (RpcReply r = fs.get(i).get(10, TimeUnit.SECONDS)) {
                            assertEquals(base + i, r.results().readInt());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> j : jobs) j.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2000, fx.count("replies.success"));
    }
}
