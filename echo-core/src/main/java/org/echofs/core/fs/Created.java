package org.echofs.core.fs;

/** The result of an update that makes a new name: the object and its directory's wcc. */
public record Created(Attributes object, Wcc dir) {
}
