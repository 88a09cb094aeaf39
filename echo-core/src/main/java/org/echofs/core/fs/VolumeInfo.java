package org.echofs.core.fs;

/**
 * Static facts about a volume, for FSINFO and PATHCONF.
 *
 * @param fsid          the file system id reported in attributes
 * @param maxFileSize   the largest file size the volume accepts
 * @param maxNameLength the longest name, in bytes of UTF-8
 * @param linkMax       the largest link count of an object
 * @param timeDeltaNanos the granularity of stored time stamps
 */
public record VolumeInfo(long fsid, long capacityBytes, long maxFileSize, int maxNameLength, int linkMax,
                         long timeDeltaNanos) {
}
