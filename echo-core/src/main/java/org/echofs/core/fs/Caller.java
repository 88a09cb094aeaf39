package org.echofs.core.fs;

import java.util.Arrays;

/**
 * The identity an operation runs as, after export squashing: uid, primary gid and up to
 * 16 supplementary gids. Permission checks use these ids against mode bits.
 */
public record Caller(int uid, int gid, int[] gids) {

    public static final int ROOT = 0;

    public Caller {
        gids = gids == null ? new int[0] : gids.clone();
    }

    public boolean isRoot() { return uid == ROOT; }

    /** True when {@code g} is the primary or one of the supplementary groups. */
    public boolean inGroup(int g) {
        if (g == gid) return true;
        for (int x : gids) {
            if (x == g) return true;
        }
        return false;
    }

    @Override public int[] gids() { return gids.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof Caller c && c.uid == uid && c.gid == gid && Arrays.equals(c.gids, gids);
    }

    @Override public int hashCode() { return 31 * (31 * uid + gid) + Arrays.hashCode(gids); }

    @Override public String toString() { return "Caller[uid=" + uid + ", gid=" + gid + ", gids=" + Arrays.toString(gids) + "]"; }
}
