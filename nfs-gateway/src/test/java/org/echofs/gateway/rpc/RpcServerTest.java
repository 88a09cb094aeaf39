package org.echofs.gateway.rpc;

import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.echofs.gateway.rpc.TestProgram.PROG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every reply status of RFC 5531 section 9, and record marking over a real socket. */
class RpcServerTest {

    private static final Duration T = Duration.ofSeconds(10);

    private final ServerFixture fx = new ServerFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private static RpcReply get(CompletableFuture<RpcReply> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private RpcReply call(int vers, int proc, XdrWritable args) throws Exception {
        return get(fx.client().call(PROG, vers, proc, Credential.NONE, args));
    }

    private static XdrWritable opaque(byte[] b) {
        return enc -> enc.writeOpaque(b);
    }

    @Test
    void successCarriesTheResults() throws Exception {
        byte[] data = "hello, rpc".getBytes();
        try (RpcReply r = call(1, TestProgram.ECHO, opaque(data))) {
            assertTrue(r.isAccepted());
            assertEquals(AcceptStat.SUCCESS, r.acceptStat());
            assertArrayEquals(data, r.results().readOpaque(100));
            assertEquals(0, r.results().remaining());
        }
        assertEquals(1, fx.count("replies.success"));
        assertEquals(1, fx.count("calls.received"));
    }

    @Test
    void nullProcedureAnswersVoid() throws Exception {
        try (RpcReply r = call(3, TestProgram.NULL, XdrWritable.VOID)) {
            assertTrue(r.isSuccess());
            assertEquals(0, r.results().remaining());
        }
    }

    @Test
    void garbageArgsWhenTheProgramCannotDecode() throws Exception {
        try (RpcReply r = call(1, TestProgram.ONE_INT, XdrWritable.VOID)) {
            assertEquals(AcceptStat.GARBAGE_ARGS, r.acceptStat());
            assertThrows(IllegalStateException.class, r::results);
        }
        try (RpcReply r = call(1, TestProgram.ONE_INT, enc -> enc.writeInt(7).writeInt(8))) {
            assertEquals(AcceptStat.GARBAGE_ARGS, r.acceptStat());
        }
        try (RpcReply r = call(1, TestProgram.ONE_INT, enc -> enc.writeInt(7))) {
            assertEquals(7, r.results().readInt());
        }
        assertEquals(2, fx.count("replies.garbage_args"));
    }

    @Test
    void anErrorFromDispatchIsAnsweredSystemErrCountedAndTheConnectionGoesOn() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (RpcReply r = call(1, TestProgram.THROW_ERROR, XdrWritable.VOID)) {
                assertEquals(AcceptStat.SYSTEM_ERR, r.acceptStat());
            }
        }
        assertEquals(3, fx.count("calls.handler_failures"));
        assertEquals(3, fx.count("replies.system_err"));
        try (RpcReply r = call(1, TestProgram.NULL, XdrWritable.VOID)) {
            assertTrue(r.isSuccess());
        }
        assertEquals(0, fx.count("connections.closed"));
    }

    @Test
    void systemErrWhenDispatchThrowsOrTheProgramSaysSo() throws Exception {
        try (RpcReply r = call(1, TestProgram.THROW, XdrWritable.VOID)) {
            assertEquals(AcceptStat.SYSTEM_ERR, r.acceptStat());
        }
        try (RpcReply r = call(1, TestProgram.SYSTEM_ERR, XdrWritable.VOID)) {
            assertEquals(AcceptStat.SYSTEM_ERR, r.acceptStat());
        }
        try (RpcReply r = call(1, TestProgram.BAD_BODY, XdrWritable.VOID)) {
            assertEquals(AcceptStat.SYSTEM_ERR, r.acceptStat());
        }
        assertEquals(3, fx.count("replies.system_err"));
        // The connection is fine afterwards.
        try (RpcReply r = call(1, TestProgram.NULL, XdrWritable.VOID)) {
            assertTrue(r.isSuccess());
        }
    }

    @Test
    void procUnavailForAnUnknownProcedureOrFromTheProgram() throws Exception {
        try (RpcReply r = call(2, TestProgram.MISSING, XdrWritable.VOID)) {
            assertEquals(AcceptStat.PROC_UNAVAIL, r.acceptStat());
        }
        try (RpcReply r = call(2, TestProgram.PROC_UNAVAIL, XdrWritable.VOID)) {
            assertEquals(AcceptStat.PROC_UNAVAIL, r.acceptStat());
        }
        assertEquals(1, fx.program.dispatched.get(TestProgram.PROC_UNAVAIL));
        assertEquals(0, fx.program.dispatched.get(TestProgram.MISSING));
        assertEquals(2, fx.count("replies.proc_unavail"));
    }

    @Test
    void progUnavailForAnUnknownProgram() throws Exception {
        try (RpcReply r = get(fx.client().call(PROG + 1, 1, 0, Credential.NONE, XdrWritable.VOID))) {
            assertEquals(AcceptStat.PROG_UNAVAIL, r.acceptStat());
        }
        assertEquals(1, fx.count("replies.prog_unavail"));
    }

    @Test
    void progMismatchCarriesTheVersionRange() throws Exception {
        for (int vers : new int[] {0, 4, -1}) {
            try (RpcReply r = call(vers, TestProgram.NULL, XdrWritable.VOID)) {
                assertEquals(AcceptStat.PROG_MISMATCH, r.acceptStat());
                assertEquals(TestProgram.LOW, r.mismatchLow());
                assertEquals(TestProgram.HIGH, r.mismatchHigh());
            }
        }
        assertEquals(3, fx.count("replies.prog_mismatch"));
    }

    @Test
    void rpcMismatchForAnRpcVersionOtherThanTwo() throws Exception {
        RpcClient c = fx.client();
        for (int rpcvers : new int[] {1, 3}) {
            byte[] msg = RawCall.call(77 + rpcvers, rpcvers, PROG, 1, 0, RawCall.authNone(), RawCall.authNone(),
                    new byte[0]);
            try (RpcReply r = get(c.callRaw(77 + rpcvers, msg, T))) {
                assertFalse(r.isAccepted());
                assertEquals(RejectStat.RPC_MISMATCH, r.rejectStat());
                assertEquals(2, r.mismatchLow());
                assertEquals(2, r.mismatchHigh());
            }
        }
        assertEquals(2, fx.count("replies.rpc_mismatch"));
        assertEquals(0, fx.program.dispatched.get(0));
    }

    @Test
    void authErrorFromTheProgram() throws Exception {
        try (RpcReply r = call(1, TestProgram.AUTH_TOOWEAK, XdrWritable.VOID)) {
            assertEquals(RejectStat.AUTH_ERROR, r.rejectStat());
            assertEquals(AuthStat.AUTH_TOOWEAK, r.authStat());
        }
        assertEquals(1, fx.count("replies.auth_error"));
    }

    @Test
    void aSecondAnswerIsIgnored() throws Exception {
        RpcClient c = fx.client();
        try (RpcReply r = get(c.call(PROG, 1, TestProgram.TWICE, Credential.NONE, XdrWritable.VOID))) {
            assertEquals(1, r.results().readInt());
        }
        // A round trip after it: the second answer never reached the wire.
        get(c.call(PROG, 1, TestProgram.NULL, Credential.NONE, XdrWritable.VOID)).close();
        assertEquals(0, c.unmatchedReplies());
        assertEquals(2, fx.count("replies.success"));
    }

    @Test
    void droppedCallGetsNoReplyAndTheConnectionGoesOn() throws Exception {
        RpcClient c = fx.client(RpcClientConfig.defaults().withTimeoutResolution(Duration.ofMillis(10)));
        CompletableFuture<RpcReply> dropped = c.call(PROG, 1, TestProgram.DROP, Credential.NONE, XdrWritable.VOID,
                Duration.ofMillis(200));
        get(c.call(PROG, 1, TestProgram.NULL, Credential.NONE, XdrWritable.VOID)).close();
        Exception e = assertThrows(Exception.class, () -> dropped.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof java.util.concurrent.TimeoutException, e.toString());
        assertEquals(1, fx.count("calls.dropped"));
    }

    @Test
    void aCallInThreeFragments() throws Exception {
        RpcClient c = fx.client();
        byte[] data = new byte[300];
        new Random(1).nextBytes(data);
        byte[] msg = RawCall.call(5001, PROG, 1, TestProgram.ECHO, RawCall.xdr().opaque(data).get());
        byte[] wire = RawCall.fragments(msg, 13, 200, msg.length - 213);
        CompletableFuture<RpcReply> reply = c.expectReply(5001, T);
        c.sendRaw(wire);
        try (RpcReply r = get(reply)) {
            assertArrayEquals(data, r.results().readOpaque(1000));
        }
    }

    @Test
    void fragmentsAndHeadersSplitAcrossTcpSegments() throws Exception {
        RpcClient c = fx.client();
        byte[] data = new byte[100];
        new Random(2).nextBytes(data);
        byte[] msg = RawCall.call(5002, PROG, 2, TestProgram.ECHO, RawCall.xdr().opaque(data).get());
        byte[] wire = RawCall.fragments(msg, 50, msg.length - 50);
        CompletableFuture<RpcReply> reply = c.expectReply(5002, T);
        // Cut inside the first header, inside the first fragment, and inside the second header.
        int[] cuts = {2, 30, 56, wire.length};
        int from = 0;
        for (int cut : cuts) {
            c.sendRaw(Arrays.copyOfRange(wire, from, cut)).get(10, TimeUnit.SECONDS);
            from = cut;
        }
        try (RpcReply r = get(reply)) {
            assertArrayEquals(data, r.results().readOpaque(1000));
        }
    }

    @Test
    void recordsThatAreNotCallsAreIgnoredAndTheConnectionStays() throws Exception {
        RpcClient c = fx.client();
        byte[] reply = RawCall.xdr().i(9).i(1).i(0).i(0).i(0).i(0).get(); // a REPLY message
        c.sendRaw(RawCall.record(reply)).get(10, TimeUnit.SECONDS);
        c.sendRaw(RawCall.record(new byte[] {1, 2, 3})).get(10, TimeUnit.SECONDS);
        c.sendRaw(RawCall.record(new byte[0])).get(10, TimeUnit.SECONDS);
        try (RpcReply r = get(c.call(PROG, 1, TestProgram.NULL, Credential.NONE, XdrWritable.VOID))) {
            assertTrue(r.isSuccess());
        }
        assertEquals(3, fx.count("records.ignored"));
        assertEquals(1, fx.count("calls.received"));
    }

    @Test
    void headerCutShortIsGarbageArgs() throws Exception {
        RpcClient c = fx.client();
        byte[] shortHeader = RawCall.xdr().i(6001).i(0).i(2).i(PROG).get();
        try (RpcReply r = get(c.callRaw(6001, shortHeader, T))) {
            assertEquals(AcceptStat.GARBAGE_ARGS, r.acceptStat());
        }
    }

    @Test
    void largeCallAndReplyNearTheRecordLimit() throws Exception {
        byte[] data = new byte[1024 * 1024];
        new Random(3).nextBytes(data);
        try (RpcReply r = call(1, TestProgram.ECHO, opaque(data))) {
            assertArrayEquals(data, r.results().readOpaque(2 * 1024 * 1024));
        }
    }

    @Test
    void callArgumentsAreReleasedWhenAnswered() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply> f = c.call(PROG, 1, TestProgram.HOLD, Credential.NONE, enc -> enc.writeInt(42));
        RpcCall held = fx.program.held.poll(10, TimeUnit.SECONDS);
        XdrDecoder args = held.args();
        assertTrue(args.buffer().refCnt() > 0);
        assertFalse(held.isDone());
        held.reply(XdrWritable.VOID);
        assertTrue(held.isDone());
        get(f).close();
        // The read buffer the arguments were sliced from is freed once the I/O thread is done with it too.
        Await.until(() -> args.buffer().refCnt() == 0, () -> "argument buffer released");
    }

    @Test
    void replyFromAnotherThreadLater() throws Exception {
        RpcClient c = fx.client();
        CompletableFuture<RpcReply> f = c.call(PROG, 1, TestProgram.HOLD, Credential.NONE, enc -> enc.writeInt(42));
        RpcCall held = fx.program.held.poll(10, TimeUnit.SECONDS);
        Thread t = new Thread(() -> {
            try {
                int v = held.args().readInt();
                held.reply(enc -> enc.writeInt(v + 1));
            } catch (XdrException e) {
                held.replyGarbageArgs();
            }
        });
        t.start();
        t.join();
        try (RpcReply r = get(f)) {
            assertEquals(43, r.results().readInt());
        }
    }

    @Test
    void replyReportsStatusesInToString() throws Exception {
        try (RpcReply r = call(9, TestProgram.NULL, XdrWritable.VOID)) {
            assertTrue(r.toString().contains("PROG_MISMATCH 1..3"), r.toString());
            assertNull(r.rejectStat());
        }
    }
}
