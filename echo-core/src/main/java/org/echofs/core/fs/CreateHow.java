package org.echofs.core.fs;

/** NFSv3 {@code createmode3}. */
public enum CreateHow { UNCHECKED, GUARDED, EXCLUSIVE }
