package org.echofs.gateway.rpc;

import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.echofs.gateway.rpc.TestProgram.PROG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many calls in flight on one connection, answered in any order from any thread. */
class PipeliningTest {

    private ServerFixture fx;

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    private static int body(int arg) {
        return arg * 31 + 7;
    }

    private static void answer(RpcCall call) {
        try {
            int v = call.args().readInt();
            call.reply(enc -> enc.writeInt(body(v)).writeInt(call.xid()));
        } catch (XdrException e) {
            call.replyGarbageArgs();
        }
    }

    @Test
    void thousandCallsAnsweredOutOfOrderFromAnotherThread() throws Exception {
        fx = new ServerFixture(ServerFixture.testConfig().withMaxCallsInFlightPerConnection(2000));
        RpcClient c = fx.client();
        int n = 1000;
        List<CompletableFuture<RpcReply>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int arg = i;
            futures.add(c.call(PROG, 1, TestProgram.HOLD, Credential.NONE, enc -> enc.writeInt(arg)));
        }
        List<RpcCall> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RpcCall call = fx.program.held.poll(10, TimeUnit.SECONDS);
            assertTrue(call != null, "only " + i + " calls arrived");
            calls.add(call);
        }
        Collections.shuffle(calls, new Random(42));
        long flushesBefore = fx.count("flushes");
        Thread replier = new Thread(() -> calls.forEach(PipeliningTest::answer), "replier");
        replier.start();
        replier.join();
        for (int i = 0; i < n; i++) {
            try (RpcReply r = futures.get(i).get(10, TimeUnit.SECONDS)) {
                assertEquals(body(i), r.results().readInt(), "reply to call " + i);
                assertEquals(r.xid(), r.results().readInt());
            }
        }
        long flushes = fx.count("flushes") - flushesBefore;
        System.out.println("out-of-order burst from another thread: " + n + " replies, " + flushes + " flushes");
        assertTrue(flushes <= n / 2, flushes + " flushes for " + n + " replies");
        assertEquals(0, c.unmatchedReplies());
    }

    @Test
    void pipelineBeyondTheInFlightLimitWithAConcurrentReplier() throws Exception {
        fx = new ServerFixture(); // default limit: 128 in flight
        RpcClient c = fx.client();
        int n = 3000;
        Thread replier = new Thread(() -> {
            List<RpcCall> batch = new ArrayList<>();
            int answered = 0;
            try {
                while (answered < n) {
                    RpcCall first = fx.program.held.poll(10, TimeUnit.SECONDS);
                    if (first == null) return;
                    batch.add(first);
                    fx.program.held.drainTo(batch, 49);
                    Collections.reverse(batch);
                    batch.forEach(PipeliningTest::answer);
                    answered += batch.size();
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "replier");
        replier.start();
        List<CompletableFuture<RpcReply>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int arg = i;
            futures.add(c.call(PROG, 2, TestProgram.HOLD, Credential.NONE, enc -> enc.writeInt(arg)));
        }
        for (int i = 0; i < n; i++) {
            try (RpcReply r = futures.get(i).get(10, TimeUnit.SECONDS)) {
                assertEquals(body(i), r.results().readInt(), "reply to call " + i);
            }
        }
        replier.join();
        assertTrue(fx.count("reads.paused") > 0, "the in-flight limit was never reached");
    }

    @Test
    void inlineRepliesOfAPipelinedBurstShareFlushes() throws Exception {
        fx = new ServerFixture();
        RpcClient c = fx.client();
        c.call(PROG, 1, TestProgram.NULL, Credential.NONE, XdrWritable.VOID).get(10, TimeUnit.SECONDS).close();
        long before = fx.count("flushes");
        int n = 1000;
        List<CompletableFuture<RpcReply>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int arg = i;
            futures.add(c.call(PROG, 1, TestProgram.ONE_INT, Credential.NONE, enc -> enc.writeInt(arg)));
        }
        for (int i = 0; i < n; i++) {
            try (RpcReply r = futures.get(i).get(10, TimeUnit.SECONDS)) {
                assertEquals(i, r.results().readInt());
            }
        }
        long flushes = fx.count("flushes") - before;
        System.out.println("inline burst: " + n + " replies, " + flushes + " flushes");
        assertTrue(flushes <= n / 4, flushes + " flushes for " + n + " replies");
    }
}
