package org.echofs.gateway.client;

import org.echofs.gateway.rpc.RpcReply;

/**
 * A call that the server did not answer with SUCCESS at the RPC level (PROG_UNAVAIL,
 * GARBAGE_ARGS, AUTH_ERROR, ...), or whose results did not decode.
 */
public class RpcFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RpcFailure(String message) {
        super(message);
    }

    static RpcFailure of(RpcReply reply) {
        return new RpcFailure("RPC call not successful: " + reply);
    }
}
