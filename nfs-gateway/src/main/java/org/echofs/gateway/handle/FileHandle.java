package org.echofs.gateway.handle;

/**
 * What an NFS client holds for an object: the export it was reached through, the object id and
 * the object's generation. Never a path. {@link HandleCodec} turns it into signed bytes.
 */
public record FileHandle(int exportId, long objectId, int generation) {
}
