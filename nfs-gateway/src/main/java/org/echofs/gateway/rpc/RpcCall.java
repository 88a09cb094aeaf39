package org.echofs.gateway.rpc;

import io.netty.buffer.ByteBufAllocator;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrWritable;

import java.net.InetSocketAddress;

/**
 * One received ONC RPC call, already past the header and credential checks, handed to its
 * {@link RpcProgram}. The program answers exactly once with one of the reply methods, from any
 * thread, now or later. The argument bytes ({@link #args()}, and any slice taken of them) stay
 * valid until the call is answered; the server releases them then.
 */
public interface RpcCall {

    int xid();

    int program();

    int version();

    int procedure();

    Credential credential();

    /** The procedure's arguments, positioned after the call header. */
    XdrDecoder args();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /**
     * Answers SUCCESS with {@code body} as the procedure's results. Buffers the body hands to the
     * encoder ({@link org.echofs.gateway.xdr.XdrEncoder#appendOpaque}) are sent without a copy and
     * released once written; a body that is not written (a second answer, a closed connection, a
     * failure) is {@link XdrWritable#discard discarded}.
     */
    void reply(XdrWritable body);

    /**
     * A pooled allocator for large result data (READ): data read into its direct buffers and
     * appended to the reply goes to the socket without a copy. On the server, a direct buffer of
     * fixed size ({@code directBuffer(n, n)}) of at least half a maximum record comes from a
     * reused slab while one is free.
     */
    default ByteBufAllocator dataAllocator() { return ByteBufAllocator.DEFAULT; }

    /** Answers GARBAGE_ARGS: the arguments could not be decoded. */
    void replyGarbageArgs();

    /** Answers SYSTEM_ERR: the server failed in a way that is not the caller's fault. */
    void replySystemError();

    /** Answers PROC_UNAVAIL. */
    void replyProcedureUnavailable();

    /** Answers MSG_DENIED / AUTH_ERROR with {@code stat}. */
    void replyAuthError(AuthStat stat);

    /**
     * Drops the call without answering (for example, a retransmission of a call still in
     * progress). Releases the arguments like a reply does.
     */
    void drop();

    /** True once the call has been answered or dropped. */
    boolean isDone();
}
