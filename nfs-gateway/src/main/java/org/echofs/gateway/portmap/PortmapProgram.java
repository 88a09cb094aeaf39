package org.echofs.gateway.portmap;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import org.echofs.gateway.rpc.RpcCall;
import org.echofs.gateway.rpc.RpcProgram;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;

import java.net.InetAddress;
import java.util.List;

/**
 * The embedded portmapper: program 100000 version 2 (RFC 1833 section 3) over a
 * {@link PortmapRegistry}. NULL, SET, UNSET, GETPORT and DUMP; CALLIT (5) is PROC_UNAVAIL, since
 * forwarding calls is an amplification risk and no NFSv3 client needs it.
 *
 * <p>SET and UNSET are honoured only from a loopback address; from anywhere else they answer
 * false. The program is off unless the operator enables it; it runs in its own
 * {@link org.echofs.gateway.rpc.RpcServer} (see
 * {@link org.echofs.gateway.rpc.RpcServerConfig#portmapDefaults()}), on port 111 by default,
 * which must not collide with a system rpcbind: if one is running, leave this off and register
 * with it instead, or bind this one to another address.
 *
 * <p>Threads: dispatch runs on the I/O thread and never blocks (the registry is in memory).
 * Metrics: a counter {@code portmap.calls.<PROC>} per procedure.
 */
public final class PortmapProgram implements RpcProgram {

    public static final int PROGRAM = 100000;
    public static final int VERSION = 2;
    public static final int DEFAULT_PORT = 111;

    public static final int PROC_NULL = 0;
    public static final int PROC_SET = 1;
    public static final int PROC_UNSET = 2;
    public static final int PROC_GETPORT = 3;
    public static final int PROC_DUMP = 4;
    public static final int PROC_CALLIT = 5;

    private static final List<String> NAMES = List.of("NULL", "SET", "UNSET", "GETPORT", "DUMP", "CALLIT");

    private final PortmapRegistry registry;
    private final Counter[] calls = new Counter[5];
    private final Counter garbage;

    public PortmapProgram(PortmapRegistry registry, MetricRegistry metrics) {
        this.registry = registry;
        for (int i = 0; i < calls.length; i++) {
            calls[i] = metrics.counter("portmap.calls." + NAMES.get(i));
        }
        this.garbage = metrics.counter("portmap.garbage_args");
    }

    @Override public int program() { return PROGRAM; }

    @Override public int lowVersion() { return VERSION; }

    @Override public int highVersion() { return VERSION; }

    @Override public boolean hasProcedure(int version, int procedure) {
        return procedure >= PROC_NULL && procedure <= PROC_DUMP;
    }

    @Override public boolean isNonIdempotent(int version, int procedure) {
        return false; // SET and UNSET answer the same when repeated, modulo races no client depends on
    }

    @Override public String procedureName(int version, int procedure) {
        return procedure >= 0 && procedure < NAMES.size() ? NAMES.get(procedure) : "PROC" + procedure;
    }

    @Override
    public void dispatch(RpcCall call) {
        int proc = call.procedure();
        calls[proc].inc();
        try {
            switch (proc) {
                case PROC_NULL -> call.reply(XdrWritable.VOID);
                case PROC_SET -> {
                    PortmapRegistry.Mapping m = readMapping(call.args());
                    boolean ok = mayChange(call) && m.port() >= 0 && m.port() <= 65535 && registry.set(m);
                    call.reply(enc -> enc.writeBoolean(ok));
                }
                case PROC_UNSET -> {
                    PortmapRegistry.Mapping m = readMapping(call.args());
                    boolean ok = mayChange(call) && registry.unset(m.program(), m.version());
                    call.reply(enc -> enc.writeBoolean(ok));
                }
                case PROC_GETPORT -> {
                    PortmapRegistry.Mapping m = readMapping(call.args());
                    int port = registry.getPort(m.program(), m.version(), m.protocol());
                    call.reply(enc -> enc.writeUnsignedInt(port));
                }
                case PROC_DUMP -> {
                    List<PortmapRegistry.Mapping> all = registry.dump();
                    call.reply(enc -> {
                        for (PortmapRegistry.Mapping m : all) {
                            enc.writeBoolean(true);
                            enc.writeInt(m.program()).writeInt(m.version()).writeInt(m.protocol()).writeInt(m.port());
                        }
                        enc.writeBoolean(false);
                    });
                }
                default -> call.replyProcedureUnavailable();
            }
        } catch (XdrException e) {
            garbage.inc();
            call.replyGarbageArgs();
        }
    }

    private static boolean mayChange(RpcCall call) {
        InetAddress a = call.remoteAddress() == null ? null : call.remoteAddress().getAddress();
        return a != null && a.isLoopbackAddress();
    }

    private static PortmapRegistry.Mapping readMapping(XdrDecoder in) throws XdrException {
        return new PortmapRegistry.Mapping(in.readInt(), in.readInt(), in.readInt(), in.readInt());
    }
}
