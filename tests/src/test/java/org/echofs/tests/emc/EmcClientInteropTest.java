package org.echofs.tests.emc;

import com.emc.ecs.nfsclient.network.NetMgr;
import com.emc.ecs.nfsclient.nfs.NfsCreateMode;
import com.emc.ecs.nfsclient.nfs.NfsDirectoryPlusEntry;
import com.emc.ecs.nfsclient.nfs.NfsException;
import com.emc.ecs.nfsclient.nfs.NfsFsInfo;
import com.emc.ecs.nfsclient.nfs.NfsFsStat;
import com.emc.ecs.nfsclient.nfs.NfsGetAttributes;
import com.emc.ecs.nfsclient.nfs.NfsPosixAttributes;
import com.emc.ecs.nfsclient.nfs.NfsReaddirplusResponse;
import com.emc.ecs.nfsclient.nfs.NfsSetAttributes;
import com.emc.ecs.nfsclient.nfs.NfsStatus;
import com.emc.ecs.nfsclient.nfs.NfsType;
import com.emc.ecs.nfsclient.nfs.NfsWriteResponse;
import com.emc.ecs.nfsclient.nfs.io.Nfs3File;
import com.emc.ecs.nfsclient.nfs.io.NfsFileInputStream;
import com.emc.ecs.nfsclient.nfs.io.NfsFileOutputStream;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3;
import com.emc.ecs.nfsclient.rpc.CredentialUnix;
import org.echofs.gateway.client.Nfs3Client;
import org.echofs.gateway.client.Nfs3Types.*;
import org.echofs.tests.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.echofs.gateway.client.Nfs3Client.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Interoperability with an independent Java NFSv3 client, {@code com.emc.ecs:nfs-client}: it
 * finds the MOUNT and NFS ports through the portmapper on port 111 of the server's address, so
 * the gateway runs with its embedded portmapper on the private loopback address
 * {@value #ADDRESS} (used by no other test). Everything the EMC client does is checked through
 * this project's own client too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmcClientInteropTest {

    static final String ADDRESS = "127.0.0.78";

    private TestGateway gateway;
    private Nfs3 nfs;
    private Nfs3Client own;
    private byte[] root;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        gateway = TestGateway.in(tmp).bind(ADDRESS).portmap()
                .yaml("storage:\n  capacity: 64MiB\n  max-objects: 5000\n").start();
        nfs = new Nfs3(ADDRESS, "/export", new CredentialUnix(0, 0, null), 3);
        own = gateway.rootClient();
        root = await(own.mnt("/export")).handle();
    }

    @AfterAll
    void stop() {
        // The EMC client keeps one connection per server address in a process-wide manager; drop
        // ours rather than shut the manager down under other users in this JVM.
        NetMgr.getInstance().dropConnection(gateway.address());
        NetMgr.getInstance().dropConnection(new InetSocketAddress(ADDRESS, 111));
        gateway.close();
    }

    private Nfs3File file(String path) throws IOException {
        return new Nfs3File(nfs, path);
    }

    /** The handle of {@code path} (below /export) found with this project's client. */
    private byte[] ownLookup(String path) throws IOException {
        byte[] fh = root;
        for (String name : path.substring(1).split("/")) {
            LookupResult r = await(own.lookup(fh, name));
            assertEquals(0, r.status(), "LOOKUP " + name + " in " + path);
            fh = r.handle();
        }
        return fh;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void mountsThroughThePortmapper() throws IOException {
        assertEquals(gateway.address().getPort(), nfs.getPort(), "the portmapper gave the NFS port");
        assertArrayEquals(root, nfs.getRootFileHandle(), "MNT gave the same root handle to both clients");
        assertEquals("/export", nfs.getExportedPath());
        assertNotNull(nfs.nullCall());
        Nfs3File top = file("/");
        assertTrue(top.isRootFile());
        assertTrue(top.isDirectory());
    }

    @Test
    void directories() throws IOException {
        Nfs3File deep = file("/dirs/a/b/c");
        deep.mkdirs();
        assertTrue(deep.exists());
        assertTrue(deep.isDirectory());
        assertEquals(Nfs3Client.NF3DIR, await(own.getattr(ownLookup("/dirs/a/b/c"))).attributes().type());
        Nfs3File one = file("/dirs/one");
        one.mkdir();
        assertTrue(one.isDirectory());
        NfsException e = assertThrows(NfsException.class, one::mkdir);
        assertEquals(NfsStatus.NFS3ERR_EXIST, e.getStatus(), "the EMC client sees our NFS3ERR_EXIST");
        assertFalse(file("/dirs/none").exists());
        assertEquals(Set.of("a", "one"), new HashSet<>(file("/dirs").list()));
    }

    @Test
    void writeAndReadStreams() throws IOException {
        file("/io").mkdirs();
        Nfs3File f = file("/io/data.bin");
        assertTrue(f.createNewFile());
        assertFalse(f.createNewFile(), "GUARDED create of an existing file: EXIST, reported as false");
        byte[] data = random(300_000, 1);
        try (OutputStream out = new NfsFileOutputStream(f)) {
            out.write(data, 0, 1000);
            out.write(data, 1000, data.length - 1000);
        }
        assertEquals(data.length, f.length());
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (InputStream in = new NfsFileInputStream(f)) {
            in.transferTo(back);
        }
        assertArrayEquals(data, back.toByteArray(), "read back with the EMC client");
        byte[] fh = ownLookup("/io/data.bin");
        ReadResult r = await(own.read(fh, 100_000, 1000));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 100_000, 101_000), r.data(), "and with ours");
        assertArrayEquals(fh, f.getFileHandle(), "both clients hold the same handle");
    }

    @Test
    void writeRequestsAndCommit() throws IOException {
        file("/w").mkdirs();
        Nfs3File f = file("/w/f");
        f.createNewFile();
        NfsWriteResponse w = f.write(0, List.of(ByteBuffer.wrap(random(5000, 2))), 0 /* UNSTABLE */);
        assertTrue(w.stateIsOk());
        assertEquals(5000, w.getCount());
        assertEquals(5000, w.getFileWccData().getAttributes().getSize());
        assertEquals(w.getVerf(), f.commit(0, 0).getVerf(), "COMMIT's verifier is WRITE's");
        WriteResult mine = await(own.write(ownLookup("/w/f"), 0, new byte[1], Nfs3Client.UNSTABLE));
        assertEquals(w.getVerf(), mine.verifier(), "one verifier for every client");
    }

    @Test
    void listRenameDelete() throws IOException {
        file("/ls").mkdirs();
        for (String n : new String[] {"x", "y", "z"}) file("/ls/" + n).createNewFile();
        file("/ls/sub").mkdir();
        assertEquals(Set.of("x", "y", "z", "sub"), new HashSet<>(file("/ls").list()), "no '.' or '..'");
        assertEquals(Set.of("/ls/x", "/ls/y", "/ls/z", "/ls/sub"),
                file("/ls").listFiles().stream().map(Nfs3File::getPath).collect(Collectors.toSet()));
        byte[] xHandle = ownLookup("/ls/x");
        assertTrue(file("/ls/x").renameTo(file("/ls/sub/moved")));
        assertFalse(file("/ls/x").exists());
        assertArrayEquals(xHandle, ownLookup("/ls/sub/moved"), "renamed, same object");
        file("/ls/y").delete();
        assertFalse(file("/ls/y").exists());
        assertEquals(2, await(own.lookup(ownLookup("/ls"), "y")).status(), "NOENT for us too");
        file("/ls/sub/moved").delete();
        file("/ls/sub").delete();
        assertFalse(file("/ls/sub").exists(), "a directory goes with RMDIR");
        file("/ls/z").delete();
        file("/ls/x2").createNewFile();
        NfsException e = assertThrows(NfsException.class, () -> file("/ls").rmdir());
        assertEquals(NfsStatus.NFS3ERR_NOTEMPTY, e.getStatus());
    }

    @Test
    void attributesAndChmod() throws IOException {
        file("/attrs").mkdirs();
        Nfs3File f = file("/attrs/f");
        f.createNewFile();
        f.setMode(0600);
        assertEquals(0600, f.getMode() & 07777);
        NfsGetAttributes a = f.getAttributes();
        Fattr ours = await(own.getattr(ownLookup("/attrs/f"))).attributes();
        assertEquals(NfsType.NFS_REG, a.getType());
        assertEquals(ours.mode(), a.getMode() & 07777);
        assertEquals(ours.fileId(), a.getFileid());
        assertEquals(ours.nlink(), a.getNlink());
        assertEquals(ours.size(), a.getSize());
        assertEquals(ours.mtime() / 1_000_000, a.getMtime().getTimeInMillis());
        NfsSetAttributes s = new NfsSetAttributes();
        s.setSize(1234L);
        f.setAttributes(s);
        assertEquals(1234, f.lengthEx());
        assertEquals(1234, await(own.getattr(ownLookup("/attrs/f"))).attributes().size());
        assertTrue(f.canRead());
        assertTrue(f.canModify());
        assertEquals(NfsType.NFS_REG, f.lookup().getAttributes().getType(), "LOOKUP");
    }

    @Test
    void fsstatFsinfoPathconf() throws IOException {
        Nfs3File top = file("/");
        NfsFsStat st = top.fsstat().getFsStat();
        assertEquals(64L << 20, st.tbytes, "tbytes = storage.capacity");
        assertEquals(5000, st.tfiles, "tfiles = storage.max-objects");
        assertTrue(st.fbytes > 0 && st.fbytes <= st.tbytes);
        assertEquals(64L << 20, top.getTotalSpace());
        NfsFsInfo info = top.fsinfo().getFsInfo();
        assertEquals(1 << 20, info.rtmax, "the default nfs.rtmax");
        assertEquals(1 << 20, info.wtmax);
        assertEquals(16L << 40, info.maxfilesize);
        NfsPosixAttributes p = top.pathconf().getPosixAttributes();
        assertEquals(255, p.getNameMaximum());
        assertEquals(32000, p.getLinkMaximum());
        assertTrue(p.isNoTruncation());
        assertTrue(p.isCasePreserving());
        assertFalse(p.isCaseInsensitive());
    }

    @Test
    void readdirplus() throws IOException {
        file("/plus").mkdirs();
        file("/plus/a").createNewFile();
        file("/plus/b").mkdir();
        NfsReaddirplusResponse r = file("/plus").readdirplus(0, 0, 4096, 8192);
        assertTrue(r.stateIsOk());
        assertTrue(r.isEof());
        List<NfsDirectoryPlusEntry> entries = r.getEntries();
        assertEquals(List.of(".", "..", "a", "b"), entries.stream().map(NfsDirectoryPlusEntry::getFileName).toList());
        for (NfsDirectoryPlusEntry e : entries.subList(2, 4)) {
            byte[] fh = ownLookup("/plus/" + e.getFileName());
            assertArrayEquals(fh, e.getFileHandle(), e.getFileName() + ": handle");
            assertEquals(await(own.getattr(fh)).attributes().fileId(), e.getAttributes().getFileid());
        }
        assertEquals(NfsType.NFS_DIR, entries.get(3).getAttributes().getType());
    }

    @Test
    void symlinkReadlinkAndLink() throws IOException {
        file("/links").mkdirs();
        Nfs3File target = file("/links/target");
        target.createNewFile();
        Nfs3File l = file("/links/sym");
        assertTrue(l.symlink("target", new NfsSetAttributes()).stateIsOk());
        assertEquals("target", l.readlink().getData());
        assertEquals("target", await(own.readlink(ownLookup("/links/sym"))).target());
        Nfs3File hard = file("/links/hard");
        assertTrue(hard.link(target).stateIsOk());
        assertEquals(2, target.getAttributes().getNlink());
        assertArrayEquals(ownLookup("/links/target"), ownLookup("/links/hard"));
        Nfs3File followed = l.followLinks();
        assertEquals("/links/target", followed.getPath());
    }

    @Test
    void exclusiveCreateAndErrors() throws IOException {
        file("/ex").mkdirs();
        Nfs3File f = file("/ex/f");
        byte[] verifier = {1, 2, 3, 4, 5, 6, 7, 8};
        assertTrue(f.create(NfsCreateMode.EXCLUSIVE, new NfsSetAttributes(), verifier).stateIsOk());
        assertTrue(f.create(NfsCreateMode.EXCLUSIVE, new NfsSetAttributes(), verifier).stateIsOk(),
                "a retransmitted exclusive create succeeds");
        NfsException e = assertThrows(NfsException.class,
                () -> f.create(NfsCreateMode.EXCLUSIVE, new NfsSetAttributes(), new byte[8]));
        assertEquals(NfsStatus.NFS3ERR_EXIST, e.getStatus());
        NfsException notDir = assertThrows(NfsException.class, () -> file("/ex/f/x").createNewFile());
        assertEquals(NfsStatus.NFS3ERR_NOTDIR, notDir.getStatus());
    }
}
