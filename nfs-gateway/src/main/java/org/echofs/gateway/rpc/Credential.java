package org.echofs.gateway.rpc;

import java.util.Arrays;

/** The credential of an ONC RPC call (RFC 5531 section 8.2, AUTH_NONE and AUTH_SYS). */
public sealed interface Credential {

    int AUTH_NONE = 0, AUTH_SYS = 1;

    /** The flavor number. */
    int flavor();

    /** AUTH_NONE: no identity. */
    record None() implements Credential {
        @Override public int flavor() { return AUTH_NONE; }
    }

    None NONE = new None();

    /**
     * AUTH_SYS: a machine name of at most 255 bytes, uid, gid and at most 16 supplementary gids,
     * all as the client claims them.
     */
    record Sys(int stamp, String machineName, int uid, int gid, int[] gids) implements Credential {
        public Sys {
            gids = gids.clone();
        }

        @Override public int flavor() { return AUTH_SYS; }

        @Override public int[] gids() { return gids.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof Sys s && s.stamp == stamp && s.machineName.equals(machineName) && s.uid == uid
                    && s.gid == gid && Arrays.equals(s.gids, gids);
        }

        @Override public int hashCode() { return machineName.hashCode() * 31 + uid * 7 + gid; }

        @Override public String toString() {
            return "AUTH_SYS[" + machineName + " uid=" + uid + " gid=" + gid + " gids=" + Arrays.toString(gids) + "]";
        }
    }
}
