package org.echofs.core.fs;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The storage seam: one volume's objects, named by object id, with NFS semantics but no wire
 * types. The gateway's procedure handlers talk to storage only through this interface; the
 * standalone gateway uses the storage engine in process, later gateways a remote storage group.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread safety: every method may be called from any thread, concurrently.</li>
 *   <li>Reads answer synchronously and throw {@link FsException}. An object id that does not
 *       name a live object gives {@link FsError#STALE}.</li>
 *   <li>Updates return a future. The update has been applied (later reads see it) when the
 *       method returns; the future completes when the update is <em>stable</em> (durable on
 *       disk), or exceptionally with an {@link FsException} when the update was refused. A
 *       refused update changed nothing. The one exception to "stable when complete" is a
 *       {@link #write} with {@link Stability#UNSTABLE}, whose future completes once the data is
 *       applied; {@link #commit} makes such data stable.</li>
 *   <li>Permission checks against mode bits (search, write, sticky directories, owner-only
 *       changes) happen inside the volume, atomically with the update, for {@link Caller}.</li>
 *   <li>Names are UTF-8 strings of 1..{@link VolumeInfo#maxNameLength()} bytes without '/' or
 *       NUL; "." and ".." name the directory itself and its parent in lookups and are refused as
 *       new names ({@link FsError#EXIST}).</li>
 * </ul>
 */
public interface Volume extends AutoCloseable {

    /** Static facts about this volume. */
    VolumeInfo info();

    /** The object id of the volume's root directory. */
    long rootId();

    /** Space and object counts now. */
    FsStat fsstat();

    /** The attributes of an object. */
    Attributes getattr(long id) throws FsException;

    /** Looks a name up in a directory; needs search permission. Returns the child's attributes. */
    Attributes lookup(Caller caller, long dir, String name) throws FsException;

    /** The target of a symbolic link ({@link FsError#INVAL} for another type). */
    String readlink(long id) throws FsException;

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code offset} into {@code dst}; needs read
     * permission (the owner may always read). Directories give {@link FsError#ISDIR}.
     */
    ReadResult read(Caller caller, long id, long offset, ByteBuffer dst) throws FsException;

    /**
     * Lists a directory in cookie order, starting after {@code cookie} (0 = from the start,
     * which lists "." and ".." first). Cookies stay valid while the directory changes: entries
     * added later appear after every existing cookie, removed entries are skipped. A non-zero
     * cookie with a {@code verifier} that is neither 0 nor the directory's current verifier gives
     * {@link FsError#BAD_COOKIE}. Returns at most {@code maxEntries} entries; needs read permission.
     */
    DirListing readdir(Caller caller, long dir, long cookie, long verifier, int maxEntries, boolean withAttributes)
            throws FsException;

    /**
     * Writes the remaining bytes of {@code data} at {@code offset}; needs write permission (the
     * owner may always write). The bytes are consumed before the method returns. The result's
     * {@code committed} is at least as strong as {@code stability}.
     */
    CompletableFuture<WriteResult> write(Caller caller, long id, long offset, ByteBuffer data, Stability stability);

    /** Makes every earlier write to the object stable. */
    CompletableFuture<Wcc> commit(long id);

    /**
     * Changes attributes. When {@code guardCtimeNanos} is not null and differs from the object's
     * ctime, fails with {@link FsError#NOT_SYNC} and changes nothing.
     */
    CompletableFuture<Wcc> setattr(Caller caller, long id, SetAttributes attributes, Long guardCtimeNanos);

    /**
     * Creates a regular file. UNCHECKED opens an existing regular file (applying a size of
     * {@code attributes}, if any); GUARDED refuses an existing name; EXCLUSIVE keeps
     * {@code verifier} with the new file so that a retransmitted create with the same verifier
     * succeeds and returns the same file.
     */
    CompletableFuture<Created> create(Caller caller, long dir, String name, CreateHow how, SetAttributes attributes,
                                      long verifier);

    CompletableFuture<Created> mkdir(Caller caller, long dir, String name, SetAttributes attributes);

    CompletableFuture<Created> symlink(Caller caller, long dir, String name, String target, SetAttributes attributes);

    /** Creates a FIFO, socket, or character or block device. Other types give {@link FsError#BADTYPE}. */
    CompletableFuture<Created> mknod(Caller caller, long dir, String name, FileType type, SetAttributes attributes,
                                     int rdevMajor, int rdevMinor);

    /** Removes a name that is not a directory ({@link FsError#ISDIR} otherwise). */
    CompletableFuture<Wcc> remove(Caller caller, long dir, String name);

    /** Removes an empty directory. */
    CompletableFuture<Wcc> rmdir(Caller caller, long dir, String name);

    /**
     * Renames with POSIX rules: an existing target is replaced when the types agree, a
     * non-empty target directory gives {@link FsError#NOTEMPTY}, a directory cannot move into
     * its own subtree ({@link FsError#INVAL}), renaming an object onto another name of itself
     * changes nothing.
     */
    CompletableFuture<RenameResult> rename(Caller caller, long fromDir, String fromName, long toDir, String toName);

    /** Makes a new name for a non-directory object. */
    CompletableFuture<LinkResult> link(Caller caller, long file, long dir, String name);

    @Override
    void close();
}
