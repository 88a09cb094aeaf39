package org.echofs.core.fs;

/** The result of a read: bytes placed in the destination buffer, end of file, attributes after. */
public record ReadResult(int count, boolean eof, Attributes attributes) {
}
