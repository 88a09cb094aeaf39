package org.echofs.core.fs;

/**
 * Permission checks of a {@link Caller} against an object's mode bits, as POSIX defines them.
 * Pure functions, shared by the storage engine (which enforces them) and the gateway's ACCESS
 * procedure (which reports them).
 */
public final class Access {

    /** NFSv3 ACCESS bits (RFC 1813 section 3.3.4). */
    public static final int READ = 0x01, LOOKUP = 0x02, MODIFY = 0x04, EXTEND = 0x08, DELETE = 0x10, EXECUTE = 0x20;

    /** The rwx triple bits. */
    public static final int R = 4, W = 2, X = 1;

    private Access() { }

    /**
     * The rwx bits (R|W|X) that apply to {@code caller} for an object: owner class, then group
     * class, then other. Root gets R and W always, and X when any x bit is set or the object is
     * a directory.
     */
    public static int permitted(Attributes a, Caller caller) {
        int mode = a.mode();
        if (caller.isRoot()) {
            boolean anyX = (mode & 0111) != 0 || a.type() == FileType.DIRECTORY;
            return R | W | (anyX ? X : 0);
        }
        if (caller.uid() == a.uid()) return (mode >> 6) & 7;
        if (caller.inGroup(a.gid())) return (mode >> 3) & 7;
        return mode & 7;
    }

    /** True when the caller has every rwx bit of {@code want} on the object. */
    public static boolean allows(Attributes a, Caller caller, int want) {
        return (permitted(a, caller) & want) == want;
    }

    /**
     * Answers an NFSv3 ACCESS request: the subset of {@code requested} that this caller has.
     * DELETE is reported for directories from their own write and search bits; for other
     * objects it is not decidable without the parent, and is reported as not granted.
     */
    public static int nfsAccess(Attributes a, Caller caller, int requested) {
        int p = permitted(a, caller);
        int granted = 0;
        boolean r = (p & R) != 0, w = (p & W) != 0, x = (p & X) != 0;
        if (a.type() == FileType.DIRECTORY) {
            if (r) granted |= READ;
            if (x) granted |= LOOKUP;
            if (w && x) granted |= MODIFY | EXTEND | DELETE;
        } else {
            if (r) granted |= READ;
            if (w) granted |= MODIFY | EXTEND;
            if (x) granted |= EXECUTE;
        }
        return granted & requested;
    }
}
