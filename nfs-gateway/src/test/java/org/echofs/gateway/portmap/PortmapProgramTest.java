package org.echofs.gateway.portmap;

import com.codahale.metrics.MetricRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.echofs.gateway.rpc.AcceptStat;
import org.echofs.gateway.rpc.AuthStat;
import org.echofs.gateway.rpc.Credential;
import org.echofs.gateway.rpc.RpcCall;
import org.echofs.gateway.rpc.RpcClient;
import org.echofs.gateway.rpc.RpcClientConfig;
import org.echofs.gateway.rpc.RpcReply;
import org.echofs.gateway.rpc.RpcServer;
import org.echofs.gateway.rpc.RpcServerConfig;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.echofs.gateway.portmap.PortmapRegistry.IPPROTO_TCP;
import static org.echofs.gateway.portmap.PortmapRegistry.IPPROTO_UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 1833 section 3 (portmap v2) round trips through the RPC client. */
class PortmapProgramTest {

    private final PortmapRegistry registry = new PortmapRegistry();
    private final MetricRegistry metrics = new MetricRegistry();
    private RpcServer server;
    private RpcClient client;

    @BeforeEach
    void start() throws Exception {
        registry.set(new PortmapRegistry.Mapping(100003, 3, IPPROTO_TCP, 2049));
        registry.set(new PortmapRegistry.Mapping(100005, 3, IPPROTO_TCP, 2049));
        server = new RpcServer(RpcServerConfig.portmapDefaults().withPort(0),
                List.of(new PortmapProgram(registry, metrics)), metrics);
        InetSocketAddress addr = server.start();
        client = RpcClient.connect(addr, RpcClientConfig.defaults());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private RpcReply call(int proc, XdrWritable args) throws Exception {
        return client.call(PortmapProgram.PROGRAM, PortmapProgram.VERSION, proc, Credential.NONE, args)
                .get(10, TimeUnit.SECONDS);
    }

    private static XdrWritable mapping(int prog, int vers, int prot, int port) {
        return enc -> enc.writeInt(prog).writeInt(vers).writeInt(prot).writeInt(port);
    }

    private int getPort(int prog, int vers, int prot) throws Exception {
        try (RpcReply r = call(PortmapProgram.PROC_GETPORT, mapping(prog, vers, prot, 0))) {
            return (int) r.results().readUnsignedInt();
        }
    }

    private boolean bool(int proc, XdrWritable args) throws Exception {
        try (RpcReply r = call(proc, args)) {
            return r.results().readBoolean();
        }
    }

    private List<PortmapRegistry.Mapping> dump() throws Exception {
        List<PortmapRegistry.Mapping> out = new ArrayList<>();
        try (RpcReply r = call(PortmapProgram.PROC_DUMP, XdrWritable.VOID)) {
            XdrDecoder d = r.results();
            while (d.readBoolean()) {
                out.add(new PortmapRegistry.Mapping(d.readInt(), d.readInt(), d.readInt(), d.readInt()));
            }
            assertEquals(0, d.remaining());
        }
        return out;
    }

    @Test
    void nullAnswers() throws Exception {
        try (RpcReply r = call(PortmapProgram.PROC_NULL, XdrWritable.VOID)) {
            assertTrue(r.isSuccess());
        }
    }

    @Test
    void getPortOfRegisteredAndUnknownPrograms() throws Exception {
        assertEquals(2049, getPort(100003, 3, IPPROTO_TCP));
        assertEquals(2049, getPort(100005, 3, IPPROTO_TCP));
        assertEquals(0, getPort(100003, 3, IPPROTO_UDP));
        assertEquals(0, getPort(100021, 4, IPPROTO_TCP));
        // Another version of a known program: the port of the one registered, as portmap answers.
        assertEquals(2049, getPort(100003, 4, IPPROTO_TCP));
        assertEquals(5, metrics.counter("portmap.calls.GETPORT").getCount());
    }

    @Test
    void dumpListsEveryMapping() throws Exception {
        assertEquals(List.of(new PortmapRegistry.Mapping(100003, 3, IPPROTO_TCP, 2049),
                new PortmapRegistry.Mapping(100005, 3, IPPROTO_TCP, 2049)), dump());
    }

    @Test
    void setAndUnsetFromLoopback() throws Exception {
        assertTrue(bool(PortmapProgram.PROC_SET, mapping(100021, 4, IPPROTO_TCP, 4045)));
        assertEquals(4045, getPort(100021, 4, IPPROTO_TCP));
        // A second SET of the same program, version and protocol is refused.
        assertFalse(bool(PortmapProgram.PROC_SET, mapping(100021, 4, IPPROTO_TCP, 4046)));
        assertTrue(bool(PortmapProgram.PROC_SET, mapping(100021, 4, IPPROTO_UDP, 4045)));
        assertEquals(4, dump().size());
        // UNSET removes every protocol of that program and version.
        assertTrue(bool(PortmapProgram.PROC_UNSET, mapping(100021, 4, 0, 0)));
        assertEquals(0, getPort(100021, 4, IPPROTO_TCP));
        assertEquals(0, getPort(100021, 4, IPPROTO_UDP));
        assertFalse(bool(PortmapProgram.PROC_UNSET, mapping(100021, 4, 0, 0)));
        assertFalse(bool(PortmapProgram.PROC_SET, mapping(100021, 4, IPPROTO_TCP, 70000)));
        assertEquals(2, dump().size());
    }

    @Test
    void callitAndOtherVersionsAreRefused() throws Exception {
        try (RpcReply r = call(PortmapProgram.PROC_CALLIT, mapping(100003, 3, 0, 0))) {
            assertEquals(AcceptStat.PROC_UNAVAIL, r.acceptStat());
        }
        try (RpcReply r = client.call(PortmapProgram.PROGRAM, 3, PortmapProgram.PROC_NULL, Credential.NONE, null)
                .get(10, TimeUnit.SECONDS)) {
            assertEquals(AcceptStat.PROG_MISMATCH, r.acceptStat());
            assertEquals(2, r.mismatchLow());
            assertEquals(2, r.mismatchHigh());
        }
    }

    @Test
    void shortArgumentsAreGarbage() throws Exception {
        try (RpcReply r = call(PortmapProgram.PROC_GETPORT, enc -> enc.writeInt(100003))) {
            assertEquals(AcceptStat.GARBAGE_ARGS, r.acceptStat());
        }
    }

    @Test
    void setAndUnsetFromAnotherMachineAnswerFalse() throws Exception {
        PortmapProgram program = new PortmapProgram(registry, new MetricRegistry());
        InetSocketAddress remote = new InetSocketAddress("192.0.2.7", 700);
        FakeCall set = new FakeCall(PortmapProgram.PROC_SET, remote, mapping(100021, 4, IPPROTO_TCP, 4045));
        program.dispatch(set);
        assertFalse(set.replyBoolean());
        FakeCall unset = new FakeCall(PortmapProgram.PROC_UNSET, remote, mapping(100003, 3, 0, 0));
        program.dispatch(unset);
        assertFalse(unset.replyBoolean());
        assertEquals(2, registry.dump().size());
        FakeCall get = new FakeCall(PortmapProgram.PROC_GETPORT, remote, mapping(100003, 3, IPPROTO_TCP, 0));
        program.dispatch(get);
        assertEquals(2049, get.replyInt());
    }

    /** A call with given arguments that keeps its reply. */
    private static final class FakeCall implements RpcCall {
        private final int proc;
        private final InetSocketAddress remote;
        private final XdrDecoder args;
        private ByteBuf reply;

        FakeCall(int proc, InetSocketAddress remote, XdrWritable args) {
            this.proc = proc;
            this.remote = remote;
            ByteBuf b = Unpooled.buffer();
            args.write(new XdrEncoder(b));
            this.args = new XdrDecoder(b);
        }

        boolean replyBoolean() throws XdrException { return new XdrDecoder(reply).readBoolean(); }

        int replyInt() throws XdrException { return new XdrDecoder(reply).readInt(); }

        @Override public int xid() { return 1; }
        @Override public int program() { return PortmapProgram.PROGRAM; }
        @Override public int version() { return PortmapProgram.VERSION; }
        @Override public int procedure() { return proc; }
        @Override public Credential credential() { return Credential.NONE; }
        @Override public XdrDecoder args() { return args; }
        @Override public InetSocketAddress remoteAddress() { return remote; }
        @Override public InetSocketAddress localAddress() { return new InetSocketAddress("192.0.2.1", 111); }
        @Override public void reply(XdrWritable body) {
            reply = Unpooled.buffer();
            body.write(new XdrEncoder(reply));
        }
        @Override public void replyGarbageArgs() { throw new AssertionError("garbage"); }
        @Override public void replySystemError() { throw new AssertionError("system error"); }
        @Override public void replyProcedureUnavailable() { throw new AssertionError("proc unavail"); }
        @Override public void replyAuthError(AuthStat stat) { throw new AssertionError("auth error"); }
        @Override public void drop() { throw new AssertionError("drop"); }
        @Override public boolean isDone() { return reply != null; }
    }
}
