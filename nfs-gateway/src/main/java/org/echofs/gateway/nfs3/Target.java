package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.gateway.handle.FileHandle;

/** A file handle that passed every check, with the object's attributes at that moment. */
record Target(FileHandle handle, Attributes attrs) {

    long id() { return handle.objectId(); }
}
