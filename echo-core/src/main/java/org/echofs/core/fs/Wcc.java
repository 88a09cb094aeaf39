package org.echofs.core.fs;

/**
 * Weak cache consistency data for one object touched by an update: its attributes taken
 * atomically before and after the update. {@code before} is null when not known.
 */
public record Wcc(WccAttr before, Attributes after) {
}
