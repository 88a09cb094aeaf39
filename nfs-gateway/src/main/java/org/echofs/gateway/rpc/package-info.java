/**
 * ONC RPC (RFC 5531) over TCP on Netty: {@link org.echofs.gateway.rpc.RpcServer} serves
 * {@link org.echofs.gateway.rpc.RpcProgram}s, {@link org.echofs.gateway.rpc.RpcClient} calls
 * them. Both use record marking with multi-fragment reassembly and a size limit checked before
 * anything is buffered.
 *
 * <p>Choices where RFC 5531 leaves room:
 * <ul>
 *   <li>A record that is not a call (shorter than xid + message type, or a REPLY) is ignored and
 *       counted ({@code rpc.records.ignored}); the connection stays, since its framing is
 *       intact. A call header cut short after the message type is answered GARBAGE_ARGS.</li>
 *   <li>Credentials: AUTH_NONE (any body up to 400 bytes) and AUTH_SYS (machine name up to 255
 *       bytes, at most 16 gids, body exactly as long as its contents). Anything else, and any
 *       malformed or truncated credential, is AUTH_ERROR / AUTH_BADCRED, as Linux nfsd answers
 *       an unknown flavor. A verifier other than AUTH_NONE of at most 400 bytes is
 *       AUTH_BADVERF.</li>
 *   <li>Non-idempotent procedures go through a duplicate-request cache keyed on client address
 *       (not port, so a reconnecting client is recognised), xid, program, version, procedure and
 *       a checksum of the arguments.</li>
 * </ul>
 *
 * <p>Programs are dispatched on the I/O thread and answer from any thread; see
 * {@link org.echofs.gateway.rpc.RpcCall}.
 */
package org.echofs.gateway.rpc;
