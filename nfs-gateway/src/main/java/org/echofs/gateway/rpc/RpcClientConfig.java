package org.echofs.gateway.rpc;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link RpcClient} connection. Start from {@link #defaults()}.
 *
 * @param localAddress      local address (and port, 0 for any) to bind before connecting, or null
 * @param connectTimeout    how long {@link RpcClient#connect} waits (default 5 s)
 * @param callTimeout       timeout of calls that give none (default 30 s)
 * @param timeoutResolution how often pending calls are checked for their deadline; a call fails
 *                          between its timeout and its timeout plus this (default 50 ms)
 * @param maxRecordSize     largest reply record accepted; a larger one closes the connection and
 *                          fails every pending call (default 16 MiB + 64 KiB)
 */
public record RpcClientConfig(
        InetSocketAddress localAddress,
        Duration connectTimeout,
        Duration callTimeout,
        Duration timeoutResolution,
        int maxRecordSize) {

    public RpcClientConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(timeoutResolution, "timeoutResolution");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rpc client connectTimeout: " + connectTimeout + " is not in 1 ms..24 days");
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("rpc client callTimeout: " + callTimeout + " is not positive");
        }
        if (timeoutResolution.toMillis() < 1) {
            throw new IllegalArgumentException("rpc client timeoutResolution: " + timeoutResolution + " is below 1 ms");
        }
        if (maxRecordSize < 64) {
            throw new IllegalArgumentException("rpc client maxRecordSize: " + maxRecordSize + " is below 64 bytes");
        }
    }

    public static RpcClientConfig defaults() {
        return new RpcClientConfig(null, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(50),
                16 * 1024 * 1024 + 64 * 1024);
    }

    public RpcClientConfig withLocalAddress(InetSocketAddress v) {
        return new RpcClientConfig(v, connectTimeout, callTimeout, timeoutResolution, maxRecordSize);
    }

    public RpcClientConfig withConnectTimeout(Duration v) {
        return new RpcClientConfig(localAddress, v, callTimeout, timeoutResolution, maxRecordSize);
    }

    public RpcClientConfig withCallTimeout(Duration v) {
        return new RpcClientConfig(localAddress, connectTimeout, v, timeoutResolution, maxRecordSize);
    }

    public RpcClientConfig withTimeoutResolution(Duration v) {
        return new RpcClientConfig(localAddress, connectTimeout, callTimeout, v, maxRecordSize);
    }

    public RpcClientConfig withMaxRecordSize(int v) {
        return new RpcClientConfig(localAddress, connectTimeout, callTimeout, timeoutResolution, v);
    }
}
