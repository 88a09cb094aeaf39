package org.echofs.core.fs;

/** The result of a write: bytes written, the stability reached, and the file's wcc. */
public record WriteResult(int count, Stability committed, Wcc file) {
}
