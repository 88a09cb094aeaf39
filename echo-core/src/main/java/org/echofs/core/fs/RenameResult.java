package org.echofs.core.fs;

/** The result of a rename: wcc data of the source and target directories. */
public record RenameResult(Wcc fromDir, Wcc toDir) {
}
