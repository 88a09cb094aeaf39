package org.echofs.core.fs;

import java.util.List;

/**
 * A page of a directory listing, in cookie order. {@code eof} is true when no entry follows
 * the last one returned. {@code verifier} is the cookie verifier to hand back on the next call.
 */
public record DirListing(long verifier, List<DirEntry> entries, boolean eof, Attributes directory) {
}
