/**
 * The NFS program, version 3 ({@link org.echofs.gateway.nfs3.Nfs3Program}), over the
 * {@code Volume} seam.
 *
 * <p>Layout: one small handler per procedure (arguments decode, work, failure arm) over shared
 * plumbing: {@code Nfs3Program} dispatches (I/O thread: decode; executor: work; future: reply),
 * {@code Nfs3Request} checks handles and squashes credentials, {@code Nfs3Xdr} holds the shared
 * XDR types, {@link org.echofs.gateway.nfs3.NfsStat3} is the one status table.
 *
 * <p>Choices, each following Linux nfsd unless said otherwise:
 * <ul>
 *   <li>Handle checks in order: signature (BADHANDLE), export id (STALE), client rule (ACCES),
 *       secure export and port &ge; 1024 (PERM), generation (STALE), read-only (ROFS); a second
 *       handle of another export: XDEV. A handle of any length whose bytes are present is
 *       judged by the codec (BADHANDLE), even past NFS3_FHSIZE.</li>
 *   <li>AUTH_NONE on any procedure but NULL runs as the export's anonymous user.</li>
 *   <li>Names: over the volume's limit NAMETOOLONG; not UTF-8, empty, with '/' or NUL: INVAL.
 *       Symbolic link targets: over 4096 bytes NAMETOOLONG; not UTF-8, empty or with NUL: INVAL.</li>
 *   <li>".." of an export's root names the root (LOOKUP, READDIR, READDIRPLUS).</li>
 *   <li>WRITE count different from the data length: GARBAGE_ARGS; data over wtmax: cut to
 *       wtmax. WRITE is in the duplicate-request cache's set, COMMIT is not.</li>
 *   <li>COMMIT is refused with ROFS on a read-only export. A COMMIT, or a DATA_SYNC/FILE_SYNC
 *       WRITE, that fails with IO rotates the write epoch.</li>
 *   <li>READ at an offset past 2^63-1 reads nothing at end of file; WRITE there is FBIG.</li>
 *   <li>Executor full: NFS3ERR_JUKEBOX (the client retries later). Unexpected exception:
 *       NFS3ERR_SERVERFAULT, logged.</li>
 *   <li>Reply reservations for the RPC server's memory budget
 *       ({@link org.echofs.gateway.nfs3.Nfs3Program#replyReservation}): READ its count plus its
 *       header, READDIR its count, READDIRPLUS its maxcount (all capped at rtmax), READLINK a
 *       whole path, the rest 512 bytes.</li>
 * </ul>
 */
package org.echofs.gateway.nfs3;
