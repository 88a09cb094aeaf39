package org.echofs.cli.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RpcPingTest {

    private final RpcPing ping = new RpcPing(Duration.ofSeconds(2));
    private ServerSocket server;
    private Thread thread;
    private final AtomicReference<byte[]> received = new AtomicReference<>();

    /** A one-connection server that records the call and answers with {@code reply.apply(xid)}. */
    private InetSocketAddress serve(IntFunction<byte[]> reply) throws IOException {
        return serve(reply, true);
    }

    /** As above; when {@code hold} is false the server closes the connection after its reply. */
    private InetSocketAddress serve(IntFunction<byte[]> reply, boolean hold) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                int mark = in.readInt();
                byte[] call = new byte[mark & 0x7fffffff];
                in.readFully(call);
                ByteBuffer all = ByteBuffer.allocate(4 + call.length).putInt(mark).put(call);
                received.set(all.array());
                byte[] answer = reply.apply(ByteBuffer.wrap(call).getInt());
                if (answer != null) {
                    new DataOutputStream(s.getOutputStream()).write(answer);
                    s.getOutputStream().flush();
                }
                if (hold) {
                    in.read(); // hold the connection until the client closes it
                }
            } catch (IOException e) {
                // test over
            }
        });
        thread.setDaemon(true);
        thread.start();
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            thread.join(5000);
        }
    }

    private static byte[] accepted(int xid, int acceptStat, int... extra) {
        ByteBuffer body = ByteBuffer.allocate(24 + 4 * extra.length);
        body.putInt(xid).putInt(1).putInt(0).putInt(0).putInt(0).putInt(acceptStat);
        for (int e : extra) {
            body.putInt(e);
        }
        return record(body.array());
    }

    private static byte[] record(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(0x80000000 | body.length).put(body).array();
    }

    @Test
    void sendsANullCallToNfsV3WithAuthNone() throws Exception {
        InetSocketAddress at = serve(xid -> accepted(xid, 0));
        RpcPing.Answer answer = ping.pingNfs(at);
        assertTrue(answer.ok(), answer.toString());
        ByteBuffer call = ByteBuffer.wrap(received.get());
        assertEquals(0x80000000 | 40, call.getInt());
        call.getInt(); // xid
        assertEquals(0, call.getInt()); // CALL
        assertEquals(2, call.getInt()); // RPC version
        assertEquals(100003, call.getInt());
        assertEquals(3, call.getInt());
        assertEquals(0, call.getInt()); // NULL
        for (int i = 0; i < 4; i++) {
            assertEquals(0, call.getInt()); // AUTH_NONE credential and verifier, empty
        }
        assertFalse(call.hasRemaining());
    }

    @Test
    void acceptsAReplySplitIntoFragmentsWithAVerifierBody() throws Exception {
        InetSocketAddress at = serve(xid -> {
            ByteBuffer first = ByteBuffer.allocate(4 + 12).putInt(12).putInt(xid).putInt(1).putInt(0);
            ByteBuffer second = ByteBuffer.allocate(4 + 20).putInt(0x80000000 | 20)
                    .putInt(1).putInt(5).put(new byte[] {1, 2, 3, 4, 5, 0, 0, 0}).putInt(0);
            return ByteBuffer.allocate(40).put(first.array()).put(second.array()).array();
        });
        assertTrue(ping.pingNfs(at).ok());
    }

    @Test
    void reportsProgramUnavailableAndMismatch() throws Exception {
        InetSocketAddress at = serve(xid -> accepted(xid, 1));
        RpcPing.Answer a = ping.pingNfs(at);
        assertEquals(RpcPing.Status.PROG_UNAVAIL, a.status());
        assertFalse(a.ok());
        stop();
        at = serve(xid -> accepted(xid, 2, 4, 4));
        RpcPing.Answer b = ping.pingNfs(at);
        assertEquals(RpcPing.Status.PROG_MISMATCH, b.status());
        assertTrue(b.detail().contains("versions 4 to 4"), b.detail());
    }

    @Test
    void reportsADeniedCall() throws Exception {
        InetSocketAddress at = serve(xid -> record(ByteBuffer.allocate(20).putInt(xid).putInt(1).putInt(1).putInt(1)
                .putInt(1).array()));
        RpcPing.Answer a = ping.pingNfs(at);
        assertEquals(RpcPing.Status.DENIED, a.status());
        assertTrue(a.detail().contains("AUTH_ERROR"));
    }

    @Test
    void wrongXidIsAnError() throws Exception {
        InetSocketAddress at = serve(xid -> accepted(xid + 1, 0));
        IOException e = assertThrows(IOException.class, () -> ping.pingNfs(at));
        assertTrue(e.getMessage().contains("does not match call xid"), e.getMessage());
    }

    @Test
    void aCallInsteadOfAReplyIsAnError() throws Exception {
        InetSocketAddress at = serve(xid -> record(ByteBuffer.allocate(8).putInt(xid).putInt(0).array()));
        IOException e = assertThrows(IOException.class, () -> ping.pingNfs(at));
        assertTrue(e.getMessage().contains("not an RPC reply"), e.getMessage());
    }

    @Test
    void truncatedReplyIsAnError() throws Exception {
        InetSocketAddress at = serve(xid -> record(ByteBuffer.allocate(8).putInt(xid).putInt(1).array()));
        IOException e = assertThrows(IOException.class, () -> ping.pingNfs(at));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void connectionClosedWithoutReplyIsAnError() throws Exception {
        InetSocketAddress at = serve(xid -> new byte[] {0, 0}, false);
        IOException e = assertThrows(IOException.class, () -> ping.pingNfs(at));
        assertTrue(e.getMessage().contains("connection closed"), e.getMessage());
    }

    @Test
    void serverThatNeverAnswersTimesOut() throws Exception {
        InetSocketAddress at = serve(xid -> null);
        RpcPing quick = new RpcPing(Duration.ofMillis(300));
        IOException e = assertThrows(IOException.class, () -> quick.pingNfs(at));
        assertTrue(e.getMessage().contains("no reply from"), e.getMessage());
    }

    @Test
    void closedPortIsAnError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        assertThrows(java.net.ConnectException.class, () -> ping.pingNfs(at));
    }

    @Test
    void callBytesAreStable() {
        byte[] call = RpcPing.call(7, 100005, 3);
        ByteBuffer b = ByteBuffer.allocate(44).putInt(0x80000028).putInt(7).putInt(0).putInt(2).putInt(100005)
                .putInt(3).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0);
        assertArrayEquals(b.array(), call);
    }
}
