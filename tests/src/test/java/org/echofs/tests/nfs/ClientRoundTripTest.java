package org.echofs.tests.nfs;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.junit.jupiter.api.Assertions.*;

/** The typed client and the in-process fixture agree with the server on a basic round trip. */
class ClientRoundTripTest {

    @TempDir
    static Path tmp;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.in(tmp).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void mountCreateWriteCommitReadList() throws Exception {
        Nfs3Client c = gateway.rootClient();
        MountResult m = await(c.mnt("/export"));
        assertEquals(0, m.status());
        byte[] root = m.handle();
        CreateResult cr = await(c.create(root, "hello.txt", Nfs3Client.GUARDED, Sattr.mode(0644)));
        assertEquals(0, cr.status());
        byte[] data = "hello, echofs\n".getBytes(StandardCharsets.UTF_8);
        WriteResult w = await(c.write(cr.handle(), 0, data, Nfs3Client.UNSTABLE));
        assertEquals(0, w.status());
        assertEquals(data.length, w.count());
        CommitResult commit = await(c.commit(cr.handle(), 0, 0));
        assertEquals(0, commit.status());
        assertEquals(w.verifier(), commit.verifier(), "WRITE and COMMIT share the write verifier");
        ReadResult r = await(c.read(cr.handle(), 0, 4096));
        assertEquals(0, r.status());
        assertTrue(r.eof());
        assertArrayEquals(data, r.data());
        ReaddirResult list = await(c.readdir(root, 0, 0, 4096));
        assertEquals(0, list.status());
        assertTrue(list.entries().stream().anyMatch(e -> e.name().equals("hello.txt")));
        AttrResult a = await(c.getattr(cr.handle()));
        assertEquals(data.length, a.attributes().size());
        assertEquals(0644, a.attributes().mode());
    }
}
