/**
 * The MOUNT program, version 3 ({@link org.echofs.gateway.mount.MountProgram}): hands out the
 * file handle of an export's root or of any directory below it, keeps the advisory mount list,
 * and lists the exports.
 */
package org.echofs.gateway.mount;
