package org.echofs.tests.nfs.proc;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.nfs.fixture.HandleChecks;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.Random;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * COMMIT (RFC 1813 section 3.3.21): the write verifier, wcc data, and the data synced to disk by
 * the time the reply comes. Errors: STALE, BADHANDLE (and the export checks); ROFS on a
 * read-only export (documented choice, as Linux nfsd).
 */
@ExtendWith(SharedGateways.class)
class CommitTest {

    private final NfsEnv env;
    private final Nfs3Client c;

    CommitTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    @Test
    void commitsUnstableWrites() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        byte[] data = new byte[20_000];
        new Random(1).nextBytes(data);
        double fsyncsBefore = env.metric("storage_data_fsyncs");
        WriteResult w1 = await(c.write(fh, 0, data, 0, 10_000, Nfs3Client.UNSTABLE));
        WriteResult w2 = await(c.write(fh, 10_000, data, 10_000, 10_000, Nfs3Client.UNSTABLE));
        expect(OK, w1.status());
        expect(OK, w2.status());
        Fattr before = env.getattr(fh);
        CommitResult r = await(c.commit(fh, 0, 0));
        expect(OK, r.status());
        assertEquals(w1.verifier(), r.verifier(), "the verifier of the writes it makes stable");
        assertEquals(w2.verifier(), r.verifier());
        assertEquals(new PreOp(before.size(), before.mtime(), before.ctime()), r.wcc().before());
        assertEquals(20_000, r.wcc().after().size());
        assertEquals(env.getattr(fh), r.wcc().after());
        assertTrue(env.metric("storage_data_fsyncs") > fsyncsBefore,
                "the file's data was synced to disk by the time COMMIT answered");
        assertArrayEquals(data, await(c.read(fh, 0, 30_000)).data());
    }

    @Test
    void rangesAndRepeats() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", new byte[100]);
        expect(OK, await(c.write(fh, 0, new byte[50], Nfs3Client.UNSTABLE)).status());
        CommitResult part = await(c.commit(fh, 10, 20));
        expect(OK, part.status(), "a range");
        CommitResult again = await(c.commit(fh, 0, 0));
        expect(OK, again.status(), "nothing left to commit");
        assertEquals(part.verifier(), again.verifier());
        assertEquals(again.wcc().before().size(), again.wcc().after().size());
        CommitResult past = await(c.commit(fh, 1L << 40, 1000));
        expect(OK, past.status(), "a range past the end");
    }

    @Test
    void readOnlyExport() throws IOException {
        byte[] fh = env.file(env.scratchUnderRo(), "f", new byte[10]);
        HandleChecks.readOnly(env.via(NfsEnv.RO, fh), h -> {
            CommitResult r = await(c.commit(h, 0, 0));
            assertEquals(env.getattr(fh), r.wcc().after());
            return r.status();
        });
    }

    @Test
    void handleErrors() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", new byte[10]);
        HandleChecks.check(env, fh, env.staleFile(), h -> await(c.commit(h, 0, 0)).status());
    }
}
