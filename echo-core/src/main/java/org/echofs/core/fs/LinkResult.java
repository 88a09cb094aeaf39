package org.echofs.core.fs;

/** The result of a hard link: the file's attributes after, and the directory's wcc. */
public record LinkResult(Attributes file, Wcc dir) {
}
