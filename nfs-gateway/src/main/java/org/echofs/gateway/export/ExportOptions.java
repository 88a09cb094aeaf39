package org.echofs.gateway.export;

import org.echofs.core.fs.Caller;
import org.echofs.gateway.rpc.Credential;

/**
 * What one client may do with one export, after the line's dash defaults and the client's own
 * options are combined. Immutable.
 *
 * @param readWrite  {@code rw} (true) or {@code ro} (false, the default)
 * @param rootSquash {@code root_squash} (the default): uid 0 and gid 0 become the anonymous ids
 * @param allSquash  {@code all_squash}: every caller becomes the anonymous user
 * @param anonUid    {@code anonuid=N}, default {@value #NOBODY}
 * @param anonGid    {@code anongid=N}, default {@value #NOBODY}
 * @param secure     {@code secure} (the default): calls must come from a source port below 1024
 */
public record ExportOptions(boolean readWrite, boolean rootSquash, boolean allSquash, int anonUid, int anonGid,
                            boolean secure) {

    /** The anonymous id when none is configured (the traditional "nobody"). */
    public static final int NOBODY = 65534;

    /** The options of a client that names none and has no defaults on its line. */
    public static final ExportOptions DEFAULTS = new ExportOptions(false, true, false, NOBODY, NOBODY, true);

    /** The highest port a {@code secure} export accepts calls from. */
    public static final int MAX_PRIVILEGED_PORT = 1023;

    /** True when a call from source port {@code port} may use the export. */
    public boolean allowsPort(int port) {
        return !secure || port <= MAX_PRIVILEGED_PORT;
    }

    /** The anonymous caller of this export. */
    public Caller anonymous() {
        return new Caller(anonUid, anonGid, new int[0]);
    }

    /**
     * The identity a call runs as. AUTH_SYS ids are taken as given except that root_squash maps
     * uid 0 to anonuid and gid 0 (primary or supplementary) to anongid, and all_squash maps
     * everyone to the anonymous caller. AUTH_NONE (and any other flavor) is the anonymous caller.
     */
    public Caller squash(Credential credential) {
        if (!(credential instanceof Credential.Sys sys) || allSquash) {
            return anonymous();
        }
        int uid = sys.uid();
        int gid = sys.gid();
        int[] gids = sys.gids();
        if (rootSquash) {
            if (uid == 0) uid = anonUid;
            if (gid == 0) gid = anonGid;
            for (int i = 0; i < gids.length; i++) {
                if (gids[i] == 0) gids[i] = anonGid;
            }
        }
        return new Caller(uid, gid, gids);
    }

    /** The options in exports(5) syntax, for printing the effective configuration. */
    public String describe() {
        return (readWrite ? "rw" : "ro")
                + (allSquash ? ",all_squash" : rootSquash ? ",root_squash" : ",no_root_squash")
                + ",anonuid=" + Integer.toUnsignedString(anonUid) + ",anongid=" + Integer.toUnsignedString(anonGid)
                + (secure ? ",secure" : ",insecure");
    }
}
