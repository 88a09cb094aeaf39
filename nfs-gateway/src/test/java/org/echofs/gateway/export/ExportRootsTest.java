package org.echofs.gateway.export;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.time.ManualClock;
import org.echofs.gateway.nfs3.TestVolume;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.echofs.gateway.nfs3.TestVolume.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportRootsTest {

    private ExportTable parse(String text) throws ConfigException {
        return new ExportsParser(new FakeResolver(), new ManualClock(0)).parse("t", text);
    }

    @Test
    void createsMissingDirectoriesAndFindsExistingOnes() throws Exception {
        TestVolume v = new TestVolume();
        long existing = v.mkdirs("/data");
        Map<Integer, Long> roots = ExportRoots.resolve(v, parse("/export/a/b -id=1 *\n/data -id=2 *\n/ -id=3 *\n"));
        assertEquals(existing, roots.get(2));
        assertEquals(v.rootId(), roots.get(3));
        long export = v.lookup(ROOT, v.rootId(), "export").fileId();
        long a = v.lookup(ROOT, export, "a").fileId();
        Attributes b = v.lookup(ROOT, a, "b");
        assertEquals(b.fileId(), roots.get(1));
        assertTrue(b.isDirectory());
        assertEquals(ExportRoots.DIRECTORY_MODE, b.mode());
        assertEquals(0, b.uid());
        assertEquals(roots, ExportRoots.resolve(v, parse("/export/a/b -id=1 *\n/data -id=2 *\n/ -id=3 *\n")),
                "a second start finds the same roots");
    }

    @Test
    void aFileInThePathIsNotADirectory() throws Exception {
        TestVolume v = new TestVolume();
        v.file(v.rootId(), "export", "x", 0644, 0, 0);
        FsException e = assertThrows(FsException.class, () -> ExportRoots.resolve(v, parse("/export/sub -id=1 *\n")));
        assertEquals(FsError.NOTDIR, e.error());
        assertTrue(e.getMessage().contains("/export"), e.getMessage());
    }

    @Test
    void volumeFailuresNameTheExport() throws Exception {
        TestVolume v = new TestVolume();
        v.failNext("mkdir", FsError.NOSPC);
        FsException e = assertThrows(FsException.class, () -> ExportRoots.resolve(v, parse("/export -id=1 *\n")));
        assertEquals(FsError.NOSPC, e.error());
        assertTrue(e.getMessage().startsWith("export /export: /export: "), e.getMessage());
    }
}
