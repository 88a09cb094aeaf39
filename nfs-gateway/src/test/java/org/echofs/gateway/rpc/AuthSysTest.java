package org.echofs.gateway.rpc;

import org.echofs.gateway.xdr.XdrDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.echofs.gateway.rpc.TestProgram.PROG;
import static org.echofs.gateway.rpc.TestProgram.WHOAMI;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** RFC 5531 section 8.2 and appendix A: AUTH_NONE and AUTH_SYS credentials, and their limits. */
class AuthSysTest {

    private static final Duration T = Duration.ofSeconds(10);

    private final ServerFixture fx = new ServerFixture();
    private final RpcClient client = fx.client();
    private int xid = 1000;

    @AfterEach
    void close() {
        fx.close();
    }

    private RpcReply send(byte[] cred, byte[] verf) throws Exception {
        int x = ++xid;
        byte[] msg = RawCall.call(x, 2, PROG, 1, WHOAMI, cred, verf, new byte[0]);
        return client.callRaw(x, msg, T).get(10, TimeUnit.SECONDS);
    }

    private void assertDenied(AuthStat expected, byte[] cred, byte[] verf) throws Exception {
        try (RpcReply r = send(cred, verf)) {
            assertEquals(RejectStat.AUTH_ERROR, r.rejectStat(), r.toString());
            assertEquals(expected, r.authStat());
        }
    }

    private static int[] gids(int n) {
        int[] g = new int[n];
        for (int i = 0; i < n; i++) g[i] = 100 + i;
        return g;
    }

    @Test
    void sixteenGidsAreAccepted() throws Exception {
        try (RpcReply r = send(RawCall.authSys(7, "client.example", 1000, 100, gids(16)), RawCall.authNone())) {
            XdrDecoder d = r.results();
            assertEquals(Credential.AUTH_SYS, d.readInt());
            assertEquals(1000, d.readInt());
            assertEquals(100, d.readInt());
            int n = d.readInt();
            int[] got = new int[n];
            for (int i = 0; i < n; i++) got[i] = d.readInt();
            assertArrayEquals(gids(16), got);
            assertEquals("client.example", d.readString(255));
        }
    }

    @Test
    void seventeenGidsAreBadCred() throws Exception {
        assertDenied(AuthStat.AUTH_BADCRED, RawCall.authSys(7, "m", 0, 0, gids(17)), RawCall.authNone());
        assertEquals(0, fx.program.dispatched.get(WHOAMI));
    }

    @Test
    void machineNameOf255BytesIsAcceptedAnd256IsBadCred() throws Exception {
        String name255 = "a".repeat(255);
        try (RpcReply r = send(RawCall.authSys(1, name255, 5, 6), RawCall.authNone())) {
            XdrDecoder d = r.results();
            d.skip(16);
            assertEquals(name255, d.readString(255));
        }
        assertDenied(AuthStat.AUTH_BADCRED, RawCall.authSys(1, "a".repeat(256), 5, 6), RawCall.authNone());
    }

    @Test
    void truncatedCredentialIsBadCred() throws Exception {
        byte[] full = RawCall.authSys(1, "host", 5, 6, 1, 2, 3);
        // The record ends inside the credential body.
        int x = ++xid;
        byte[] head = RawCall.xdr().i(x).i(0).i(2).i(PROG).i(1).i(WHOAMI).get();
        byte[] msg = RawCall.xdr().bytes(head).bytes(Arrays.copyOf(full, full.length - 6)).get();
        try (RpcReply r = client.callRaw(x, msg, T).get(10, TimeUnit.SECONDS)) {
            assertEquals(AuthStat.AUTH_BADCRED, r.authStat());
        }
        // The record ends inside the credential's flavor and length.
        x = ++xid;
        byte[] cutInFlavor = RawCall.xdr().i(x).i(0).i(2).i(PROG).i(1).i(WHOAMI).i(Credential.AUTH_SYS).get();
        try (RpcReply r = client.callRaw(x, cutInFlavor, T).get(10, TimeUnit.SECONDS)) {
            assertEquals(AuthStat.AUTH_BADCRED, r.authStat());
        }
    }

    @Test
    void authSysBodyShorterOrLongerThanItsContentIsBadCred() throws Exception {
        byte[] body = RawCall.authSysBody(1, "host".getBytes(), 5, 6, gids(2));
        // Declares two gids but the body stops after one.
        byte[] shortBody = Arrays.copyOf(body, body.length - 4);
        assertDenied(AuthStat.AUTH_BADCRED, RawCall.auth(Credential.AUTH_SYS, shortBody), RawCall.authNone());
        // Trailing bytes after the gids.
        byte[] longBody = Arrays.copyOf(body, body.length + 4);
        assertDenied(AuthStat.AUTH_BADCRED, RawCall.auth(Credential.AUTH_SYS, longBody), RawCall.authNone());
        // Too short to hold stamp and name length.
        assertDenied(AuthStat.AUTH_BADCRED, RawCall.auth(Credential.AUTH_SYS, new byte[4]), RawCall.authNone());
    }

    @Test
    void credentialOver400BytesIsBadCred() throws Exception {
        assertDenied(AuthStat.AUTH_BADCRED, RawCall.auth(Credential.AUTH_NONE, new byte[404]), RawCall.authNone());
        // A length word of 2^32-1 does not allocate or wrap.
        byte[] huge = RawCall.xdr().i(Credential.AUTH_SYS).i(-1).i(0).get();
        assertDenied(AuthStat.AUTH_BADCRED, huge, RawCall.authNone());
    }

    @Test
    void unknownFlavorIsBadCredAsLinuxAnswers() throws Exception {
        assertDenied(AuthStat.AUTH_BADCRED, RawCall.auth(6, new byte[8]), RawCall.authNone()); // RPCSEC_GSS
        assertDenied(AuthStat.AUTH_BADCRED, RawCall.auth(2, new byte[8]), RawCall.authNone()); // AUTH_SHORT
    }

    @Test
    void verifierMustBeAuthNoneOfAtMost400Bytes() throws Exception {
        byte[] cred = RawCall.authSys(1, "h", 1, 1);
        assertDenied(AuthStat.AUTH_BADVERF, cred, RawCall.auth(Credential.AUTH_NONE, new byte[404]));
        assertDenied(AuthStat.AUTH_BADVERF, cred, RawCall.auth(Credential.AUTH_SYS, new byte[0]));
        // A verifier cut short by the end of the record.
        int x = ++xid;
        byte[] msg = RawCall.xdr().i(x).i(0).i(2).i(PROG).i(1).i(WHOAMI).bytes(cred).i(0).get();
        try (RpcReply r = client.callRaw(x, msg, T).get(10, TimeUnit.SECONDS)) {
            assertEquals(AuthStat.AUTH_BADVERF, r.authStat());
        }
        // A verifier body of up to 400 bytes is fine.
        try (RpcReply r = send(cred, RawCall.auth(Credential.AUTH_NONE, new byte[400]))) {
            assertEquals(AcceptStat.SUCCESS, r.acceptStat());
        }
    }

    @Test
    void authNoneWithABodyIsAccepted() throws Exception {
        try (RpcReply r = send(RawCall.auth(Credential.AUTH_NONE, new byte[12]), RawCall.authNone())) {
            assertEquals(Credential.AUTH_NONE, r.results().readInt());
        }
    }

    @Test
    void clientEncodesAuthSysTheServerParses() throws Exception {
        Credential.Sys sys = new Credential.Sys(99, "büro", 4321, 77, new int[] {1, 2, 3});
        for (int i = 0; i < 2; i++) {
            try (RpcReply r = client.call(PROG, 1, WHOAMI, sys, null).get(10, TimeUnit.SECONDS)) {
                XdrDecoder d = r.results();
                assertEquals(Credential.AUTH_SYS, d.readInt());
                assertEquals(4321, d.readInt());
                assertEquals(77, d.readInt());
                assertEquals(3, d.readInt());
                d.skip(12);
                assertEquals("büro", d.readString(255));
            }
        }
    }

    @Test
    void repeatedIdenticalCredentialsShareOneParsedObject() throws Exception {
        Credential.Sys sys = new Credential.Sys(1, "same", 10, 20, new int[] {30});
        client.call(PROG, 1, TestProgram.HOLD, sys, null);
        client.call(PROG, 1, TestProgram.HOLD, sys, null);
        RpcCall a = fx.program.held.poll(10, TimeUnit.SECONDS);
        RpcCall b = fx.program.held.poll(10, TimeUnit.SECONDS);
        assertEquals(sys, a.credential());
        assertSame(a.credential(), b.credential());
        a.drop();
        b.drop();
    }
}
