package org.echofs.tests.nfs;

import io.netty.buffer.Unpooled;
import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.Sattr;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.RawRpc;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The duplicate-request cache, through the real port: a retransmitted non-idempotent call (same
 * xid, same arguments, same client address) gets the first answer again instead of running twice
 * (RFC 1813 section 4.3 asks servers to handle retransmissions of non-idempotent procedures).
 */
@ExtendWith(SharedGateways.class)
class DuplicateRequestTest {

    static final int NFS = 100003, CREATE = 8, MKDIR = 9, REMOVE = 12, RENAME = 14, LINK = 15, WRITE = 7,
            GETATTR = 1;
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final NfsEnv env;
    private final Credential root = Nfs3Client.unix(0, 0);
    private final SecureRandom random = new SecureRandom();

    DuplicateRequestTest(NfsEnv env) {
        this.env = env;
    }

    /** One reply: its status and the whole record. */
    private record Answer(int status, byte[] record, XdrDecoder rest) { }

    private Answer send(Nfs3Client on, int xid, int proc, XdrWritable args) throws IOException {
        try (RpcReply r = await(on.rpc().callRaw(xid, RawRpc.call(xid, NFS, 3, proc, root, args), TIMEOUT))) {
            assertTrue(r.isSuccess(), "RPC level: " + r);
            byte[] bytes = r.recordBytes();
            XdrDecoder d = r.results();
            int status = d.readInt();
            // copy what the test may still want to read before the reply buffer is released
            XdrDecoder rest = new XdrDecoder(Unpooled.wrappedBuffer(readRest(d)));
            return new Answer(status, bytes, rest);
        } catch (XdrException e) {
            throw new IOException(e);
        }
    }

    private static byte[] readRest(XdrDecoder d) throws XdrException {
        byte[] b = new byte[d.remaining()];
        d.buffer().readBytes(b);
        return b;
    }

    private static XdrWritable dirop(byte[] dir, String name) {
        return out -> out.writeOpaque(dir).writeString(name);
    }

    @Test
    void retransmittedRemoveGetsTheFirstAnswer() throws IOException {
        Nfs3Client conn = env.gateway().rootClient();
        byte[] dir = env.scratch();
        env.file(dir, "f", 0644);
        int xid = random.nextInt();
        Answer first = send(conn, xid, REMOVE, dirop(dir, "f"));
        expect(OK, first.status());
        Answer again = send(conn, xid, REMOVE, dirop(dir, "f"));
        expect(OK, again.status(), "a retransmitted REMOVE is not NOENT");
        assertArrayEquals(first.record(), again.record(), "the very same reply");
        expect(NOENT, send(conn, xid + 1, REMOVE, dirop(dir, "f")).status(), "a new call does run again");
    }

    @Test
    void retransmittedGuardedCreateGetsTheSameHandle() throws IOException, XdrException {
        Nfs3Client conn = env.gateway().rootClient();
        byte[] dir = env.scratch();
        XdrWritable args = out -> {
            out.writeOpaque(dir).writeString("f");
            out.writeInt(Nfs3Client.GUARDED);
            out.writeBoolean(true).writeInt(0600); // mode
            out.writeBoolean(false).writeBoolean(false).writeBoolean(false).writeInt(0).writeInt(0);
        };
        int xid = random.nextInt();
        Answer first = send(conn, xid, CREATE, args);
        expect(OK, first.status());
        assertTrue(first.rest().readBoolean(), "a handle follows");
        byte[] handle = first.rest().readOpaque(64);
        Answer again = send(conn, xid, CREATE, args);
        expect(OK, again.status(), "a retransmitted GUARDED CREATE is not EXIST");
        assertTrue(again.rest().readBoolean());
        assertArrayEquals(handle, again.rest().readOpaque(64), "and names the same file");
        assertArrayEquals(handle, env.lookup(dir, "f"));
        expect(EXIST, send(conn, xid + 1, CREATE, args).status(), "a new call finds the file");
    }

    @Test
    void renameMkdirLinkAndWrite() throws IOException {
        Nfs3Client conn = env.gateway().rootClient();
        byte[] dir = env.scratch();
        byte[] fh = env.file(dir, "a", 0644);

        int xid = random.nextInt();
        XdrWritable rename = out -> out.writeOpaque(dir).writeString("a").writeOpaque(dir).writeString("b");
        expect(OK, send(conn, xid, RENAME, rename).status());
        expect(OK, send(conn, xid, RENAME, rename).status(), "RENAME retransmitted");
        expect(NOENT, send(conn, xid + 1, RENAME, rename).status());

        xid = random.nextInt();
        XdrWritable mkdir = out -> {
            out.writeOpaque(dir).writeString("d");
            out.writeBoolean(false).writeBoolean(false).writeBoolean(false).writeBoolean(false).writeInt(0)
                    .writeInt(0);
        };
        expect(OK, send(conn, xid, MKDIR, mkdir).status());
        expect(OK, send(conn, xid, MKDIR, mkdir).status(), "MKDIR retransmitted");
        expect(EXIST, send(conn, xid + 1, MKDIR, mkdir).status());

        xid = random.nextInt();
        XdrWritable link = out -> out.writeOpaque(fh).writeOpaque(dir).writeString("c");
        expect(OK, send(conn, xid, LINK, link).status());
        expect(OK, send(conn, xid, LINK, link).status(), "LINK retransmitted");
        assertEquals(2, env.getattr(fh).nlink(), "linked once");

        xid = random.nextInt();
        XdrWritable write = out -> out.writeOpaque(fh).writeLong(0).writeInt(3).writeInt(Nfs3Client.FILE_SYNC)
                .writeOpaque(new byte[] {1, 2, 3});
        Answer w1 = send(conn, xid, WRITE, write);
        expect(OK, w1.status());
        assertArrayEquals(w1.record(), send(conn, xid, WRITE, write).record(), "WRITE retransmitted");
    }

    @Test
    void recognisedOnANewConnectionFromTheSameAddress() throws IOException {
        byte[] dir = env.scratch();
        env.file(dir, "f", 0644);
        int xid = random.nextInt();
        Nfs3Client first = env.gateway().rootClient();
        Answer a = send(first, xid, REMOVE, dirop(dir, "f"));
        expect(OK, a.status());
        first.close();
        Nfs3Client reconnected = env.gateway().rootClient();
        assertNotEquals(first.rpc().localAddress().getPort(), reconnected.rpc().localAddress().getPort());
        Answer b = send(reconnected, xid, REMOVE, dirop(dir, "f"));
        expect(OK, b.status(), "a client that reconnected and retransmits gets the first answer");
        assertArrayEquals(a.record(), b.record());
    }

    @Test
    void notADuplicate() throws IOException {
        byte[] dir = env.scratch();
        env.file(dir, "a", 0644);
        env.file(dir, "b", 0644);
        int xid = random.nextInt();
        Nfs3Client conn = env.gateway().rootClient();
        expect(OK, send(conn, xid, REMOVE, dirop(dir, "a")).status());
        expect(OK, send(conn, xid, REMOVE, dirop(dir, "b")).status(), "same xid, other arguments: a new call");
        expect(NOENT, await(conn.lookup(dir, "b")).status(), "and it ran");
        env.file(dir, "c", 0644);
        expect(OK, send(conn, xid, REMOVE, dirop(dir, "c")).status());
        Nfs3Client elsewhere = env.clientFrom("127.0.0.5");
        expect(NOENT, send(elsewhere, xid, REMOVE, dirop(dir, "c")).status(),
                "same xid and arguments from another client address: another client's call");
    }

    @Test
    void idempotentCallsRunAgain() throws IOException, XdrException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        Nfs3Client conn = env.gateway().rootClient();
        int xid = random.nextInt();
        XdrWritable getattr = out -> out.writeOpaque(fh);
        Answer a = send(conn, xid, GETATTR, getattr);
        expect(OK, a.status());
        a.rest().readInt();
        assertEquals(0644, a.rest().readInt());
        env.chmod(fh, 0600);
        Answer b = send(conn, xid, GETATTR, getattr);
        b.rest().readInt();
        assertEquals(0600, b.rest().readInt(), "GETATTR is not cached: a repeat sees the change");
        assertEquals(0600, await(conn.setattr(fh, Sattr.NONE, null)).wcc().after().mode());
    }
}
