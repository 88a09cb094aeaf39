package org.echofs.gateway.rpc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.echofs.gateway.rpc.TestProgram.COUNT;
import static org.echofs.gateway.rpc.TestProgram.HOLD_CACHED;
import static org.echofs.gateway.rpc.TestProgram.PROG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Retransmissions of non-idempotent calls over real connections. */
class DuplicateRequestTest {

    private static final Duration T = Duration.ofSeconds(10);

    private final TestClock clock = new TestClock();
    private final ServerFixture fx = new ServerFixture(ServerFixture.testConfig(), clock);

    @AfterEach
    void close() {
        fx.close();
    }

    private static byte[] countCall(int xid, int arg) {
        return RawCall.call(xid, 2, PROG, 1, COUNT, RawCall.authSys(1, "h", 1, 1), RawCall.authNone(),
                RawCall.xdr().i(arg).get());
    }

    private static byte[] send(RpcClient c, int xid, byte[] msg) throws Exception {
        try (RpcReply r = c.callRaw(xid, msg, T).get(10, TimeUnit.SECONDS)) {
            return r.recordBytes();
        }
    }

    @Test
    void retransmissionGetsTheSameBytesWithoutRunningAgain() throws Exception {
        RpcClient c = fx.client();
        byte[] first = send(c, 500, countCall(500, 42));
        byte[] second = send(c, 500, countCall(500, 42));
        assertArrayEquals(first, second);
        assertEquals(1, fx.program.counted.get());
        assertEquals(1, fx.count("drc.hits"));
        // After a reconnect from the same address, too.
        RpcClient again = fx.client();
        assertArrayEquals(first, send(again, 500, countCall(500, 42)));
        assertEquals(1, fx.program.counted.get());
    }

    @Test
    void sameXidWithOtherArgumentsOrFromAnotherAddressRuns() throws Exception {
        RpcClient c = fx.client();
        send(c, 501, countCall(501, 1));
        send(c, 501, countCall(501, 2));
        assertEquals(2, fx.program.counted.get());
        RpcClient other = fx.client(RpcClientConfig.defaults()
                .withLocalAddress(new InetSocketAddress("127.0.0.2", 0)));
        send(other, 501, countCall(501, 1));
        assertEquals(3, fx.program.counted.get());
        assertEquals(0, fx.count("drc.hits"));
    }

    @Test
    void retransmissionOfACallInProgressIsDropped() throws Exception {
        RpcClient c = fx.client();
        byte[] msg = RawCall.call(502, PROG, 1, HOLD_CACHED, new byte[0]);
        CompletableFuture<RpcReply> reply = c.callRaw(502, msg, T);
        RpcCall held = fx.program.held.poll(10, TimeUnit.SECONDS);
        c.sendRaw(RawCall.record(msg));
        Await.until(() -> fx.count("drc.in_progress_drops") == 1, () -> "in-progress drop");
        assertEquals(1, fx.program.dispatched.get(HOLD_CACHED));
        assertFalse(reply.isDone());
        held.reply(enc -> enc.writeInt(5));
        try (RpcReply r = reply.get(10, TimeUnit.SECONDS)) {
            assertEquals(5, r.results().readInt());
        }
        // Exactly one reply went out: a later round trip sees no stray one.
        c.call(PROG, 1, TestProgram.NULL, Credential.NONE, null).get(10, TimeUnit.SECONDS).close();
        assertEquals(0, c.unmatchedReplies());
        // Now complete, the retransmission is answered from the cache.
        try (RpcReply r = c.callRaw(502, msg, T).get(10, TimeUnit.SECONDS)) {
            assertEquals(5, r.results().readInt());
        }
        assertEquals(1, fx.program.dispatched.get(HOLD_CACHED));
    }

    @Test
    void droppedCallIsForgottenAndRunsAgain() throws Exception {
        RpcClient c = fx.client();
        byte[] msg = RawCall.call(503, PROG, 1, HOLD_CACHED, new byte[0]);
        c.sendRaw(RawCall.record(msg));
        fx.program.held.poll(10, TimeUnit.SECONDS).drop();
        CompletableFuture<RpcReply> reply = c.callRaw(503, msg, T);
        RpcCall second = fx.program.held.poll(10, TimeUnit.SECONDS);
        second.reply(enc -> enc.writeInt(6));
        reply.get(10, TimeUnit.SECONDS).close();
        assertEquals(2, fx.program.dispatched.get(HOLD_CACHED));
    }

    @Test
    void cachedReplyExpiresOnTheInjectedClock() throws Exception {
        RpcClient c = fx.client();
        send(c, 504, countCall(504, 7));
        clock.advance(Duration.ofSeconds(119));
        send(c, 504, countCall(504, 7));
        assertEquals(1, fx.program.counted.get());
        clock.advance(Duration.ofSeconds(1));
        send(c, 504, countCall(504, 7));
        assertEquals(2, fx.program.counted.get());
    }

    @Test
    void idempotentProceduresAreNotCached() throws Exception {
        RpcClient c = fx.client();
        byte[] msg = RawCall.call(505, PROG, 1, TestProgram.ONE_INT, RawCall.xdr().i(3).get());
        send(c, 505, msg);
        send(c, 505, msg);
        assertEquals(2, fx.program.dispatched.get(TestProgram.ONE_INT));
        assertEquals(0, fx.count("drc.hits"));
    }
}
