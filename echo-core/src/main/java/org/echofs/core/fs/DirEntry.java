package org.echofs.core.fs;

/**
 * One directory entry. {@code cookie} resumes a listing just after this entry; cookies are
 * never 0. {@code attributes} is filled only when the listing asked for attributes.
 */
public record DirEntry(String name, long fileId, long cookie, Attributes attributes) {
}
