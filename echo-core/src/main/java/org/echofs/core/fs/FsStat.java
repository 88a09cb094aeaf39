package org.echofs.core.fs;

/** Space and object counts of a volume (NFSv3 FSSTAT). Bytes and object counts. */
public record FsStat(long totalBytes, long freeBytes, long availableBytes,
                     long totalFiles, long freeFiles, long availableFiles) {
}
