package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * NULL (RFC 1813 section 3.3.0): an empty answer to anyone, whatever the credential, the
 * client's export rules or its source port; it has no errors.
 */
@ExtendWith(SharedGateways.class)
class NullTest {

    private final NfsEnv env;

    NullTest(NfsEnv env) {
        this.env = env;
    }

    private static void assertEmptySuccess(Nfs3Client c) throws IOException {
        try (RpcReply r = await(c.rpc().call(Nfs3Client.NFS_PROGRAM, 3, 0, c.credential(), out -> { }))) {
            assertTrue(r.isSuccess(), r.toString());
            assertEquals(0, r.results().remaining(), "NULL returns void");
        }
    }

    @Test
    void answersEveryone() throws IOException {
        await(env.client().nullCall());
        assertEmptySuccess(env.client());
        assertEmptySuccess(env.as(1000, 100));
        assertEmptySuccess(env.client().as(Credential.NONE));
        assertEmptySuccess(env.clientFrom("127.0.0.9"));
    }

    @Test
    void ignoresArguments() throws IOException {
        Nfs3Client c = env.client();
        try (RpcReply r = await(c.rpc().call(Nfs3Client.NFS_PROGRAM, 3, 0, c.credential(),
                out -> out.writeInt(42).writeInt(43)))) {
            assertTrue(r.isSuccess(), "NULL takes void; extra bytes are not an error: " + r);
        }
    }

    @Test
    void manyInFlightAtOnce() throws IOException {
        Nfs3Client c = env.client();
        var calls = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Void>>();
        for (int i = 0; i < 500; i++) calls.add(c.nullCall());
        for (var f : calls) await(f);
    }
}
