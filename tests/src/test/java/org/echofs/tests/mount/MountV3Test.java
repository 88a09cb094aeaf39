package org.echofs.tests.mount;

import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.tests.nfs.fixture.NfsEnv;
import org.echofs.tests.nfs.fixture.SharedGateways;
import org.echofs.tests.nfs.fixture.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * MOUNT version 3 (RFC 1813 appendix I) through the real port: NULL, MNT (with every mountstat3
 * that can occur here: NOENT, ACCES, NOTDIR, INVAL, NAMETOOLONG), DUMP, UMNT, UMNTALL, EXPORT.
 * Each mount-list test uses its own client address so that other tests' mounts do not matter.
 */
@ExtendWith(SharedGateways.class)
class MountV3Test {

    static final int MNT3_OK = 0, MNT3ERR_NOENT = 2, MNT3ERR_ACCES = 13, MNT3ERR_NOTDIR = 20, MNT3ERR_INVAL = 22,
            MNT3ERR_NAMETOOLONG = 63;

    private final NfsEnv env;
    private final Nfs3Client c;

    MountV3Test(NfsEnv env) {
        this.env = env;
        this.c = env.client();
    }

    /** The path of a scratch directory below /export, and its handle. */
    private record Dir(String path, byte[] handle) { }

    private Dir scratch() throws IOException {
        String name = env.name("m");
        return new Dir("/export/" + name, env.mkdir(env.exportRoot(), name, 0777));
    }

    private int mntStatus(Nfs3Client client, String path) throws IOException {
        MountResult r = await(client.mnt(path));
        if (r.status() != MNT3_OK) assertNull(r.handle(), "a refused MNT carries no handle");
        return r.status();
    }

    @Test
    void nullAnswersAnyone() throws IOException {
        await(c.mountNull());
        await(c.as(Credential.NONE).mountNull());
        await(env.clientFrom("127.0.0.9").mountNull());
    }

    @Test
    void mntOfAnExportRoot() throws IOException {
        MountResult r = await(c.mnt("/export"));
        assertEquals(MNT3_OK, r.status());
        assertEquals(33, r.handle().length, "a version 1 handle");
        assertArrayEquals(new int[] {Credential.AUTH_SYS}, r.flavors(), "AUTH_SYS offered");
        assertEquals(NfsEnv.EXPORT, env.decode(r.handle()).exportId());
        AttrResult a = await(c.getattr(r.handle()));
        assertEquals(0, a.status());
        assertEquals(Nfs3Client.NF3DIR, a.attributes().type());
        for (String spelling : new String[] {"/export/", "//export", "/export//"}) {
            MountResult same = await(c.mnt(spelling));
            assertEquals(MNT3_OK, same.status(), spelling);
            assertArrayEquals(r.handle(), same.handle(), spelling + " is /export");
        }
    }

    @Test
    void mntPicksTheExportHoldingThePath() throws IOException {
        assertEquals(NfsEnv.OTHER, env.decode(await(c.mnt("/other")).handle()).exportId());
        assertEquals(NfsEnv.RO, env.decode(await(c.mnt("/export/ro")).handle()).exportId(), "read-only mounts too");
        assertEquals(NfsEnv.SQUASH, env.decode(await(c.mnt("/export/squash")).handle()).exportId());
        Dir d = scratch();
        byte[] sub = env.mkdir(d.handle(), "sub", 0755);
        MountResult below = await(c.mnt(d.path() + "/sub"));
        assertEquals(MNT3_OK, below.status(), "a directory below an export");
        assertArrayEquals(sub, below.handle(), "the handle LOOKUP gives through export 1");
        String roName = env.name("m");
        byte[] inRo = env.mkdir(env.lookup(env.exportRoot(), "ro"), roName, 0755);
        MountResult viaRo = await(c.mnt("/export/ro/" + roName));
        assertArrayEquals(env.via(NfsEnv.RO, inRo), viaRo.handle(), "the longest export prefix decides");
    }

    @Test
    void mntErrors() throws IOException {
        Dir d = scratch();
        env.file(d.handle(), "file", 0644);
        env.symlink(d.handle(), "link", ".");
        assertEquals(MNT3ERR_NOENT, mntStatus(c, d.path() + "/missing"));
        assertEquals(MNT3ERR_NOENT, mntStatus(c, d.path() + "/missing/deeper"));
        assertEquals(MNT3ERR_NOTDIR, mntStatus(c, d.path() + "/file"), "a file");
        assertEquals(MNT3ERR_NOTDIR, mntStatus(c, d.path() + "/file/x"), "through a file");
        assertEquals(MNT3ERR_NOTDIR, mntStatus(c, d.path() + "/link"), "symbolic links are not followed");
        assertEquals(MNT3ERR_ACCES, mntStatus(c, "/nowhere"), "not exported");
        assertEquals(MNT3ERR_ACCES, mntStatus(c, "/"), "the volume root is not exported");
        assertEquals(MNT3ERR_ACCES, mntStatus(c, "/exported"), "a prefix is not a parent");
        assertEquals(MNT3ERR_INVAL, mntStatus(c, "export"), "relative");
        assertEquals(MNT3ERR_INVAL, mntStatus(c, ""), "empty");
        assertEquals(MNT3ERR_INVAL, mntStatus(c, "/export/../other"), "'..' component");
        assertEquals(MNT3ERR_INVAL, mntStatus(c, "/export/./ro"), "'.' component");
        assertEquals(MNT3ERR_INVAL, mntStatus(c, "/export/a\0b"), "NUL");
        assertEquals(MNT3ERR_NAMETOOLONG, mntStatus(c, "/export/" + "x".repeat(256)), "a component over 255");
        assertEquals(MNT3ERR_NAMETOOLONG, mntStatus(c, "/export" + "/x".repeat(509)), "a path over 1024 bytes");
        try (RpcReply r = await(c.rpc().call(Nfs3Client.MOUNT_PROGRAM, 3, 1, c.credential(),
                out -> out.writeOpaque(new byte[] {'/', (byte) 0xff, (byte) 0xfe})))) {
            assertEquals(MNT3ERR_INVAL, r.results().readInt(), "a path that is not UTF-8");
        } catch (org.echofs.gateway.xdr.XdrException e) {
            fail(e);
        }
    }

    @Test
    void mntChecksTheClient() throws IOException {
        assertEquals(MNT3ERR_ACCES, mntStatus(c, "/export/only2"), "127.0.0.1 has no rule on /export/only2");
        MountResult two = await(env.clientFrom("127.0.0.2").mnt("/export/only2"));
        assertEquals(MNT3_OK, two.status(), "127.0.0.2 has");
        assertEquals(MNT3ERR_ACCES, mntStatus(c, "/export/secure"), "secure export, unprivileged port");
        Nfs3Client privileged = env.privilegedClient();
        assertTrue(privileged.rpc().localAddress().getPort() < 1024);
        MountResult sec = await(privileged.mnt("/export/secure"));
        assertEquals(MNT3_OK, sec.status(), "from a privileged port");
        assertEquals(0, await(privileged.getattr(sec.handle())).status(), "and its handle works from there");
        assertEquals(Stat.PERM, await(c.getattr(sec.handle())).status(), "but not from an unprivileged port");
    }

    @Test
    void mntWalksAsTheSquashedCaller() throws IOException {
        String name = env.name("m");
        byte[] squashRoot = env.lookup(env.exportRoot(), "squash");
        byte[] locked = env.mkdir(squashRoot, name, 0700);
        env.mkdir(locked, "inner", 0755);
        assertEquals(MNT3ERR_ACCES, mntStatus(c, "/export/squash/" + name + "/inner"),
                "root is squashed to uid 4242, which may not search the 0700 directory");
        assertEquals(MNT3_OK, mntStatus(c, "/export/squash"), "the export root itself");
        env.chmod(locked, 0711);
        assertEquals(MNT3_OK, mntStatus(c, "/export/squash/" + name + "/inner"), "with search permission");
    }

    @Test
    void dumpUmntAndUmntall() throws IOException {
        Nfs3Client host = env.clientFrom("127.0.0.3");
        Dir d = scratch();
        env.mkdir(d.handle(), "sub", 0755);
        assertEquals(MNT3_OK, await(host.mnt("/export")).status());
        assertEquals(MNT3_OK, await(host.mnt(d.path() + "/sub/")).status());
        assertEquals(MNT3_OK, await(host.mnt("/export")).status(), "a second MNT of the same path");
        assertEquals(MNT3_OK, await(c.mnt("/export")).status());
        assertEquals(List.of("/export", d.path() + "/sub"), dirsOf(host, "127.0.0.3"),
                "DUMP lists each (host, normalized path) once");
        assertTrue(dirsOf(host, "127.0.0.1").contains("/export"), "another host's mount");

        await(host.umnt("/export"));
        assertEquals(List.of(d.path() + "/sub"), dirsOf(host, "127.0.0.3"), "UMNT removes one entry");
        await(host.umnt("/never/mounted"));
        await(host.umnt(d.path() + "//sub"));
        assertEquals(List.of(), dirsOf(host, "127.0.0.3"), "UMNT normalizes the path like MNT");

        assertEquals(MNT3_OK, await(host.mnt("/export")).status());
        assertEquals(MNT3_OK, await(host.mnt("/other")).status());
        await(host.umntall());
        assertEquals(List.of(), dirsOf(host, "127.0.0.3"), "UMNTALL removes every entry of the caller");
        assertTrue(dirsOf(c, "127.0.0.1").contains("/export"), "and only the caller's");
        assertEquals(MNT3_OK, await(host.mnt("/export")).status(), "the handles stay valid; MNT again works");
    }

    /** The directories DUMP lists for {@code host}, sorted (the order of the mount list is not defined). */
    private static List<String> dirsOf(Nfs3Client client, String host) throws IOException {
        return await(client.dump()).stream().filter(e -> e.hostname().equals(host)).map(MountEntry::directory)
                .sorted().toList();
    }

    @Test
    void exportListsEveryExportWithItsClients() throws IOException {
        List<ExportEntry> list = await(c.exports());
        Map<String, List<String>> byDir = list.stream()
                .collect(Collectors.toMap(ExportEntry::directory, ExportEntry::groups));
        assertEquals(List.of("/export", "/export/ro", "/export/secure", "/other", "/export/only2", "/export/squash"),
                list.stream().map(ExportEntry::directory).toList(), "in file order");
        assertEquals(List.of("127.0.0.0/8"), byDir.get("/export"));
        assertEquals(List.of("127.0.0.2"), byDir.get("/export/only2"));
        assertEquals(list, await(env.clientFrom("127.0.0.2").exports()), "the same to every client");
        assertEquals(list, await(c.as(Credential.NONE).exports()));
    }
}
