package org.echofs.core.fs;

/** Pre-operation attributes for weak cache consistency (NFSv3 {@code wcc_attr}). */
public record WccAttr(long size, long mtimeNanos, long ctimeNanos) {
}
