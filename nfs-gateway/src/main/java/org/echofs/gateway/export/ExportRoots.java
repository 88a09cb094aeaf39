package org.echofs.gateway.export;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.Caller;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.Volume;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * Start-up helper: finds the root directory of every export in the volume, creating missing
 * directories (mode 0755, owned by root) along the way. Blocks on the volume; call it from the
 * composition root before serving, never from an I/O thread.
 */
public final class ExportRoots {

    /** The mode of directories created for export paths. */
    public static final int DIRECTORY_MODE = 0755;

    private static final Caller ROOT = new Caller(0, 0, new int[0]);

    private ExportRoots() { }

    /**
     * Export id to the object id of its root directory.
     *
     * @throws FsException when a path component exists but is not a directory
     *                     ({@link FsError#NOTDIR}), or the volume refuses a look-up or mkdir; the
     *                     message names the export path
     */
    public static Map<Integer, Long> resolve(Volume volume, ExportTable exports) throws FsException {
        Map<Integer, Long> roots = new LinkedHashMap<>();
        for (Export e : exports.exports()) {
            roots.put(e.id(), resolve(volume, e.path()));
        }
        return Map.copyOf(roots);
    }

    private static long resolve(Volume volume, String path) throws FsException {
        long dir = volume.rootId();
        StringBuilder walked = new StringBuilder();
        for (String name : ExportPaths.components(path)) {
            walked.append('/').append(name);
            Attributes a = lookupOrMkdir(volume, dir, name, path, walked.toString());
            if (!a.isDirectory()) {
                throw new FsException(FsError.NOTDIR, "export " + path + ": " + walked + " is not a directory");
            }
            dir = a.fileId();
        }
        return dir;
    }

    private static Attributes lookupOrMkdir(Volume volume, long dir, String name, String path, String walked)
            throws FsException {
        try {
            return volume.lookup(ROOT, dir, name);
        } catch (FsException e) {
            if (e.error() != FsError.NOENT) throw wrap(e, path, walked);
        }
        try {
            return volume.mkdir(ROOT, dir, name, SetAttributes.NONE.withMode(DIRECTORY_MODE)).join().object();
        } catch (CompletionException ce) {
            FsException e = ce.getCause() instanceof FsException fe ? fe
                    : new FsException(FsError.SERVERFAULT, String.valueOf(ce.getCause()), ce.getCause());
            if (e.error() != FsError.EXIST) throw wrap(e, path, walked);
        }
        try {
            return volume.lookup(ROOT, dir, name); // created meanwhile by someone else
        } catch (FsException e) {
            throw wrap(e, path, walked);
        }
    }

    private static FsException wrap(FsException e, String path, String walked) {
        return new FsException(e.error(), "export " + path + ": " + walked + ": " + e.getMessage(), e);
    }
}
