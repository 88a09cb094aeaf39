/**
 * One test class per NFSv3 procedure (RFC 1813 section 3.3), each through the real port of a
 * shared in-process gateway: the success case with every reply field checked, and every error
 * the RFC lists for the procedure that can occur with this server. Where the RFC and POSIX or
 * Linux nfsd leave a choice, the test accepts the allowed answers and says so. MOUNT v3 is in
 * {@code org.echofs.tests.mount}; the duplicate-request cache and the RPC level are in
 * {@code org.echofs.tests.nfs}; interoperability with an independent client in
 * {@code org.echofs.tests.emc}.
 */
package org.echofs.tests.nfs.proc;
