package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.Caller;
import org.echofs.gateway.handle.FileHandle;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.xdr.XdrDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.echofs.gateway.nfs3.Nfs3Fixture.ALICE;
import static org.echofs.gateway.nfs3.Nfs3Fixture.LAN_HIGH;
import static org.echofs.gateway.nfs3.Nfs3Fixture.LAN_PRIV;
import static org.echofs.gateway.nfs3.Nfs3Fixture.LOCAL;
import static org.echofs.gateway.nfs3.Nfs3Fixture.ROOT;
import static org.echofs.gateway.nfs3.Nfs3Fixture.STRANGER;
import static org.echofs.gateway.nfs3.Nfs3Fixture.TEN;
import static org.echofs.gateway.nfs3.Nfs3Fixture.dirop;
import static org.echofs.gateway.nfs3.Nfs3Fixture.noAttrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 1813 section 2.3.3 (file handles) and the export rules, for every procedure: BADHANDLE,
 * STALE, ACCES, PERM (secure ports), ROFS, XDEV, and credential squashing.
 */
class HandleChecksTest {

    private final Nfs3Fixture f = new Nfs3Fixture();
    private final ValidArgs v = new ValidArgs(f);

    private FakeCall send(Nfs3Proc p, Credential cred, InetSocketAddress from, byte[] args) {
        FakeCall c = new FakeCall(Nfs3Program.PROGRAM, 3, p.ordinal(), cred, from, args);
        f.program.dispatch(c);
        return c;
    }

    /** The procedure's valid arguments with every handle rewritten by {@code bad}. */
    private byte[] withHandles(Nfs3Proc p, UnaryOperator<byte[]> bad) {
        byte[] args = v.bytes(p);
        for (long id : new long[] {f.root(), v.file, v.dir}) {
            byte[] fh = f.fh(id);
            args = FailArm.replaceHandle(args, fh, bad.apply(fh));
        }
        return args;
    }

    private List<Replies.Fattr> expectStatus(FakeCall c, Nfs3Proc p, NfsStat3 status) throws Exception {
        XdrDecoder r = c.reply();
        assertEquals(status.code(), r.readInt(), p.name());
        return FailArm.read(p, r);
    }

    private void expectNoAttributes(List<Replies.Fattr> arm) {
        for (Replies.Fattr a : arm) assertNull(a, "no attributes may leak");
    }

    static byte[] tampered(byte[] fh) {
        byte[] b = fh.clone();
        b[b.length - 1] ^= 1;
        return b;
    }

    @ParameterizedTest
    @EnumSource(value = Nfs3Proc.class, names = "NULL", mode = EnumSource.Mode.EXCLUDE)
    void badHandles(Nfs3Proc p) throws Exception {
        List<UnaryOperator<byte[]>> bad = List.of(
                HandleChecksTest::tampered,
                fh -> Arrays.copyOf(fh, 20),                     // truncated
                fh -> Arrays.copyOf(fh, 40),                     // long, within NFS3_FHSIZE
                fh -> Arrays.copyOf(fh, 100),                    // longer than NFS3_FHSIZE
                fh -> new byte[0],
                fh -> {                                          // another version
                    byte[] b = fh.clone();
                    b[0] = 2;
                    return b;
                },
                fh -> new org.echofs.gateway.handle.HandleCodec("another secret 16 bytes".getBytes(StandardCharsets.UTF_8))
                        .encode(new FileHandle(1, f.root(), 1)));
        for (UnaryOperator<byte[]> b : bad) {
            FakeCall c = send(p, ROOT, LOCAL, withHandles(p, b));
            expectNoAttributes(expectStatus(c, p, NfsStat3.NFS3ERR_BADHANDLE));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Nfs3Proc.class, names = "NULL", mode = EnumSource.Mode.EXCLUDE)
    void unknownExportIsStale(Nfs3Proc p) throws Exception {
        FakeCall c = send(p, ROOT, LOCAL, withHandles(p, fh -> {
            try {
                FileHandle h = f.codec.decode(fh);
                return f.codec.encode(new FileHandle(99, h.objectId(), h.generation()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }));
        expectNoAttributes(expectStatus(c, p, NfsStat3.NFS3ERR_STALE));
    }

    @ParameterizedTest
    @EnumSource(value = Nfs3Proc.class, names = "NULL", mode = EnumSource.Mode.EXCLUDE)
    void otherGenerationIsStale(Nfs3Proc p) throws Exception {
        FakeCall c = send(p, ROOT, LOCAL, withHandles(p, fh -> {
            try {
                FileHandle h = f.codec.decode(fh);
                return f.codec.encode(new FileHandle(h.exportId(), h.objectId(), h.generation() + 1));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }));
        expectNoAttributes(expectStatus(c, p, NfsStat3.NFS3ERR_STALE));
    }

    @Test
    void removedObjectIsStale() throws Exception {
        byte[] fh = f.fh(v.file);
        f.volume.remove(org.echofs.gateway.nfs3.TestVolume.ROOT, f.root(), "f").join();
        FakeCall c = f.call(Nfs3Proc.GETATTR, e -> e.writeOpaque(fh));
        expectStatus(c, Nfs3Proc.GETATTR, NfsStat3.NFS3ERR_STALE);
        FakeCall w = f.call(Nfs3Proc.WRITE, e -> {
            e.writeOpaque(fh);
            e.writeLong(0);
            e.writeInt(1);
            e.writeInt(0);
            e.writeOpaque(new byte[] {1});
        });
        expectNoAttributes(expectStatus(w, Nfs3Proc.WRITE, NfsStat3.NFS3ERR_STALE));
    }

    @ParameterizedTest
    @EnumSource(value = Nfs3Proc.class, names = "NULL", mode = EnumSource.Mode.EXCLUDE)
    void clientWithoutARuleGetsAcces(Nfs3Proc p) throws Exception {
        expectNoAttributes(expectStatus(send(p, ROOT, STRANGER, v.bytes(p)), p, NfsStat3.NFS3ERR_ACCES));
    }

    @ParameterizedTest
    @EnumSource(value = Nfs3Proc.class, names = "NULL", mode = EnumSource.Mode.EXCLUDE)
    void secureExportRefusesUnprivilegedPortsWithPerm(Nfs3Proc p) throws Exception {
        expectNoAttributes(expectStatus(send(p, ROOT, LAN_HIGH, v.bytes(p)), p, NfsStat3.NFS3ERR_PERM));
    }

    @Test
    void secureExportAcceptsPrivilegedPorts() throws Exception {
        XdrDecoder r = send(Nfs3Proc.GETATTR, ROOT, LAN_PRIV, v.bytes(Nfs3Proc.GETATTR)).reply();
        assertEquals(0, r.readInt());
    }

    @ParameterizedTest
    @EnumSource(value = Nfs3Proc.class, names = {"SETATTR", "WRITE", "CREATE", "MKDIR", "SYMLINK", "MKNOD", "REMOVE",
            "RMDIR", "RENAME", "LINK", "COMMIT"})
    void readOnlyRuleRefusesEveryModifyingProcedureWithRofs(Nfs3Proc p) throws Exception {
        List<Replies.Fattr> arm = expectStatus(send(p, ROOT, TEN, v.bytes(p)), p, NfsStat3.NFS3ERR_ROFS);
        for (Replies.Fattr a : arm) assertNotNull(a, "wcc on failure carries fresh post-op attributes");
        assertEquals(5, f.volume.getattr(v.file).size(), "nothing changed");
        assertEquals(0, f.volume.commits());
    }

    @ParameterizedTest
    @EnumSource(value = Nfs3Proc.class, names = {"GETATTR", "LOOKUP", "ACCESS", "READ", "READDIR", "READDIRPLUS",
            "FSSTAT", "FSINFO", "PATHCONF"})
    void readOnlyRuleServesReadingProcedures(Nfs3Proc p) throws Exception {
        assertEquals(0, send(p, ROOT, TEN, v.bytes(p)).reply().readInt());
    }

    @Test
    void readOnlyExportRefusesMkdirWithRofs() throws Exception {
        FakeCall c = f.call(Nfs3Proc.MKDIR, e -> {
            dirop(e, f.fh(2, f.roRoot()), "x");
            noAttrs(e);
        });
        List<Replies.Fattr> arm = expectStatus(c, Nfs3Proc.MKDIR, NfsStat3.NFS3ERR_ROFS);
        assertEquals(f.roRoot(), arm.get(0).fileId());
    }

    @Test
    void renameAndLinkAcrossExportsAreXdev() throws Exception {
        byte[] ro = f.fh(2, f.roRoot());
        FakeCall rename = f.call(Nfs3Proc.RENAME, e -> {
            dirop(e, f.fh(f.root()), "f");
            dirop(e, ro, "g");
        });
        List<Replies.Fattr> arm = expectStatus(rename, Nfs3Proc.RENAME, NfsStat3.NFS3ERR_XDEV);
        assertEquals(f.root(), arm.get(0).fileId());
        assertNull(arm.get(1), "the other export's directory is not described");
        FakeCall link = f.call(Nfs3Proc.LINK, e -> {
            e.writeOpaque(f.fh(v.file));
            dirop(e, ro, "hard");
        });
        expectStatus(link, Nfs3Proc.LINK, NfsStat3.NFS3ERR_XDEV);
    }

    private Attributes mkdirAs(Credential cred, InetSocketAddress from, String name) throws Exception {
        FakeCall c = send(Nfs3Proc.MKDIR, cred, from, FakeCall.xdr(e -> {
            dirop(e, f.fh(f.root()), name);
            noAttrs(e);
        }));
        assertEquals(0, c.reply().readInt());
        return f.volume.lookup(TestVolume.ROOT, f.root(), name);
    }

    @Test
    void credentialsAreSquashedPerRule() throws Exception {
        assertEquals(NfsStat3.NFS3ERR_ACCES.code(), send(Nfs3Proc.MKDIR, ROOT, LAN_PRIV, FakeCall.xdr(e -> {
            dirop(e, f.fh(f.root()), "z");
            noAttrs(e);
        })).reply().readInt(), "squashed root may not write the 0755 root-owned export root");
        f.volume.setattr(TestVolume.ROOT, f.root(), org.echofs.core.fs.SetAttributes.NONE.withMode(0777), null).join();
        assertEquals(0, mkdirAs(ROOT, LOCAL, "a").uid(), "no_root_squash keeps root");
        Attributes squashed = mkdirAs(ROOT, LAN_PRIV, "b");
        assertEquals(65534, squashed.uid(), "root_squash");
        assertEquals(65534, squashed.gid());
        assertEquals(1000, mkdirAs(ALICE, LAN_PRIV, "c").uid(), "others keep their ids");
        assertEquals(65534, mkdirAs(Credential.NONE, LOCAL, "anon").uid(), "AUTH_NONE runs as anonymous");
    }

    @Test
    void squashedCallerIsWhatPermissionChecksSee() throws Exception {
        long priv = f.volume.mkdirs("/export/private");
        f.volume.setattr(TestVolume.ROOT, priv, org.echofs.core.fs.SetAttributes.NONE.withMode(0700), null).join();
        FakeCall c = send(Nfs3Proc.LOOKUP, ROOT, LAN_PRIV, FakeCall.xdr(e -> dirop(e, f.fh(priv), "x")));
        XdrDecoder r = c.reply();
        assertEquals(NfsStat3.NFS3ERR_ACCES.code(), r.readInt(), "squashed root may not search a 0700 directory");
        assertEquals(priv, Replies.postOpAttr(r).fileId());
        assertTrue(new Caller(0, 0, new int[0]).isRoot());
    }
}
