package org.echofs.tests.nfs;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.gateway.rpc.AcceptStat;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RejectStat;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.gateway.xdr.XdrWritable;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.RawRpc;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.echofs.tests.nfs.fixture.Stat.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The RPC level around NFSv3 and MOUNT v3 (RFC 5531): GARBAGE_ARGS for arguments that do not
 * decode, PROC_UNAVAIL, PROG_MISMATCH with the supported range 3..3, PROG_UNAVAIL, RPC_MISMATCH,
 * and AUTH_NONE, which runs as the export's anonymous user (documented choice). The connection
 * stays usable after each.
 */
@ExtendWith(SharedGateways.class)
class RpcLevelTest {

    static final int NFS = 100003, MOUNT = 100005;

    private final NfsEnv env;
    private final Nfs3Client c;

    RpcLevelTest(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    private RpcReply call(int prog, int vers, int proc, XdrWritable args) throws IOException {
        return await(c.rpc().call(prog, vers, proc, c.credential(), args));
    }

    private void assertGarbage(int prog, int proc, XdrWritable args, String what) throws IOException {
        try (RpcReply r = call(prog, 3, proc, args)) {
            assertEquals(AcceptStat.GARBAGE_ARGS, r.acceptStat(), what + ": " + r);
        }
        await(c.nullCall()); // still connected
    }

    @Test
    void garbageArguments() throws IOException {
        byte[] fh = env.file(env.scratch(), "f", 0644);
        assertGarbage(NFS, 1, out -> out.writeInt(33).writeLong(0), "GETATTR: a handle cut short");
        assertGarbage(NFS, 1, out -> { }, "GETATTR: no arguments");
        assertGarbage(NFS, 3, out -> out.writeOpaque(fh), "LOOKUP: no name");
        assertGarbage(NFS, 6, out -> out.writeOpaque(fh).writeLong(0), "READ: no count");
        assertGarbage(NFS, 7, out -> out.writeOpaque(fh).writeLong(0).writeInt(10).writeInt(2)
                .writeOpaque(new byte[4]), "WRITE: count 10 with 4 bytes of data");
        assertGarbage(NFS, 7, out -> out.writeOpaque(fh).writeLong(0).writeInt(1).writeInt(3)
                .writeOpaque(new byte[1]), "WRITE: stable_how 3");
        assertGarbage(NFS, 2, out -> out.writeOpaque(fh).writeBoolean(false).writeBoolean(false)
                .writeBoolean(false).writeBoolean(false).writeInt(3).writeInt(0).writeBoolean(false),
                "SETATTR: time_how 3");
        assertGarbage(NFS, 8, out -> out.writeOpaque(fh).writeString("x").writeInt(3), "CREATE: createmode 3");
        assertGarbage(NFS, 8, out -> out.writeOpaque(fh).writeString("x").writeInt(0).writeBoolean(true),
                "CREATE: sattr3 cut short");
        assertGarbage(NFS, 14, out -> out.writeOpaque(fh).writeString("x").writeOpaque(fh), "RENAME: no second name");
        assertGarbage(NFS, 17, out -> out.writeOpaque(fh).writeLong(0).writeLong(0).writeInt(100),
                "READDIRPLUS: no maxcount");
        assertGarbage(NFS, 21, out -> out.writeOpaque(fh).writeLong(0), "COMMIT: no count");
        assertGarbage(MOUNT, 1, out -> out.writeInt(100).writeInt(0), "MNT: a path cut short");
        assertGarbage(MOUNT, 3, out -> { }, "UMNT: no path");
        assertEquals(0, env.getattr(fh).size(), "nothing ran");
    }

    @Test
    void procedureUnavailable() throws IOException {
        for (int proc : new int[] {22, 23, 1000, -1}) {
            try (RpcReply r = call(NFS, 3, proc, XdrWritable.VOID)) {
                assertEquals(AcceptStat.PROC_UNAVAIL, r.acceptStat(), "NFS procedure " + proc);
            }
        }
        for (int proc : new int[] {6, 7, 100}) {
            try (RpcReply r = call(MOUNT, 3, proc, XdrWritable.VOID)) {
                assertEquals(AcceptStat.PROC_UNAVAIL, r.acceptStat(), "MOUNT procedure " + proc);
            }
        }
        await(c.nullCall());
    }

    @Test
    void programMismatchNamesVersionThree() throws IOException {
        for (int[] pv : new int[][] {{NFS, 2}, {NFS, 4}, {NFS, 1}, {MOUNT, 1}, {MOUNT, 2}, {MOUNT, 4}}) {
            try (RpcReply r = call(pv[0], pv[1], 0, XdrWritable.VOID)) {
                assertEquals(AcceptStat.PROG_MISMATCH, r.acceptStat(), pv[0] + " version " + pv[1]);
                assertEquals(3, r.mismatchLow(), "lowest version");
                assertEquals(3, r.mismatchHigh(), "highest version");
            }
        }
    }

    @Test
    void unknownProgram() throws IOException {
        for (int prog : new int[] {100021 /* NLM */, 100000 /* portmap, not on this port */, 12345}) {
            try (RpcReply r = call(prog, 1, 0, XdrWritable.VOID)) {
                assertEquals(AcceptStat.PROG_UNAVAIL, r.acceptStat(), "program " + prog);
            }
        }
    }

    @Test
    void rpcVersionOtherThanTwo() throws IOException {
        int xid = 0x5eed0001;
        byte[] record = RawRpc.call(xid, NFS, 3, 0, Nfs3Client.unix(0, 0), XdrWritable.VOID);
        record[11] = 3; // rpcvers
        try (RpcReply r = await(c.rpc().callRaw(xid, record, Duration.ofSeconds(10)))) {
            assertFalse(r.isAccepted());
            assertEquals(RejectStat.RPC_MISMATCH, r.rejectStat());
            assertEquals(2, r.mismatchLow());
            assertEquals(2, r.mismatchHigh());
        }
    }

    @Test
    void authNoneRunsAsTheAnonymousUser() throws IOException {
        Nfs3Client none = env.anonymous();
        await(none.nullCall());
        byte[] dir = env.scratch();
        CreateResult made = await(none.create(dir, "f", Nfs3Client.GUARDED, Sattr.mode(0600)));
        expect(OK, made.status());
        assertEquals(NfsEnv.NOBODY, made.attributes().uid(), "anonuid of /export (default 65534)");
        assertEquals(NfsEnv.NOBODY, made.attributes().gid());
        expect(OK, await(none.read(made.handle(), 0, 1)).status(), "the anonymous user owns what it made");
        byte[] sq = env.mkdir(env.lookup(env.exportRoot(), "squash"), env.name("t"), 0777);
        CreateResult squashed = await(none.create(env.via(NfsEnv.SQUASH, sq), "f", Nfs3Client.GUARDED,
                Sattr.NONE));
        expect(OK, squashed.status());
        assertEquals(NfsEnv.ANON_UID, squashed.attributes().uid(), "that export's anonuid");
        MountResult m = await(none.mnt("/export"));
        assertEquals(0, m.status(), "MNT with AUTH_NONE");
        assertEquals(Credential.AUTH_SYS, m.flavors()[0], "the flavor offered is AUTH_SYS");
    }
}
