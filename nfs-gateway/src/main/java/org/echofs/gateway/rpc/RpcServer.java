package org.echofs.gateway.rpc;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.echofs.core.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ONC RPC (RFC 5531) server over TCP with record marking, serving a fixed set of
 * {@link RpcProgram}s on one port.
 *
 * <p>What it answers itself: RPC_MISMATCH (rpcvers not 2), AUTH_ERROR (AUTH_BADCRED for a
 * malformed, oversized or unknown credential as Linux nfsd does, AUTH_BADVERF for a verifier that
 * is not an AUTH_NONE of at most 400 bytes), PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL,
 * GARBAGE_ARGS for a call header cut short, SYSTEM_ERR when a program throws (logged in one line at
 * WARN the first time per procedure, at DEBUG after that), and the cached reply
 * of a retransmitted non-idempotent call (see {@link RpcServerConfig} for the cache bounds).
 * Everything else goes to {@link RpcProgram#dispatch} on the connection's I/O thread once its
 * reply reservation fits the memory budget (see the package documentation). Records that are not
 * calls are ignored; a record over the size limit, a record that does not complete in time, an
 * idle connection, a connection whose replies are not read for the write-stall timeout, and the
 * connection holding the most partial-record bytes when partial records take too much of the
 * budget are closed, each on its own.
 *
 * <p>Threads: {@link #start} and {@link #close} may be called from any thread (once each);
 * one accept thread and {@code ioThreads} I/O threads run the connections. Metrics are named
 * {@code <metricPrefix>.*} (connections, calls, replies by status, drc, bytes, flushes, memory,
 * slabs).
 */
public final class RpcServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1024 * 1024, 4 * 1024 * 1024);

    private final RpcServerConfig config;
    private final MetricRegistry registry;
    private final ServerShared shared;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Channel> children = ConcurrentHashMap.newKeySet();
    private final Set<String> gauges = new HashSet<>();

    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private Channel serverChannel;
    private volatile boolean closing;

    /** A server on the system clock. */
    public RpcServer(RpcServerConfig config, List<RpcProgram> programs, MetricRegistry metrics) {
        this(config, programs, metrics, SystemClock.INSTANCE);
    }

    /**
     * @param programs the programs served; their numbers must differ
     * @param clock    the time source of the duplicate-request cache and connection timeouts
     */
    public RpcServer(RpcServerConfig config, List<RpcProgram> programs, MetricRegistry metrics, Clock clock) {
        this.config = config;
        this.registry = metrics;
        RpcProgram[] array = programs.toArray(new RpcProgram[0]);
        Set<Integer> numbers = new HashSet<>();
        for (RpcProgram p : array) {
            if (!numbers.add(p.program())) {
                throw new IllegalArgumentException("program " + p.program() + " given twice");
            }
        }
        RpcServerMetrics m = new RpcServerMetrics(metrics, config.metricPrefix());
        DuplicateRequestCache drc = config.drcMaxEntries() > 0 && config.drcMaxBytes() > 0
                ? new DuplicateRequestCache(config.drcMaxEntries(), config.drcMaxBytes(), config.drcMaxAge().toNanos(),
                clock, m.drcHits, m.drcInProgressDrops, m.drcEvictions)
                : null;
        this.shared = new ServerShared(config, array, m, drc, clock);
    }

    /**
     * Binds and starts serving. Returns the bound address (with the real port when the
     * configured one was 0).
     *
     * @throws UncheckedIOException if the address cannot be bound (in use, not local, no right)
     * @throws IllegalStateException if already started or closed
     */
    public synchronized InetSocketAddress start() {
        if (serverChannel != null || closing) throw new IllegalStateException("already started or closed");
        String prefix = config.metricPrefix();
        MemoryBudget memory = shared.memory;
        registerGauge(prefix + ".buffered.bytes", memory::partial);
        registerGauge(prefix + ".memory.reserved", memory::reserved);
        registerGauge(prefix + ".memory.budget", () -> memory.limit);
        registerGauge(prefix + ".calls.waiting_for_memory", memory.waitingCalls::get);
        SlabAllocator slabs = shared.dataAlloc;
        registerGauge(prefix + ".slabs.allocated", slabs::allocated);
        registerGauge(prefix + ".slabs.in_use", slabs::inUse);
        registerGauge(prefix + ".slabs.max", slabs::maxSlabs);
        if (shared.drc != null) {
            registerGauge(prefix + ".drc.entries", shared.drc::size);
            registerGauge(prefix + ".drc.bytes", shared.drc::bytes);
        }
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(prefix + "-accept"),
                NioIoHandler.newFactory());
        ioGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory(prefix + "-io"),
                NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                });
        InetSocketAddress wanted = new InetSocketAddress(config.bindAddress(), config.port());
        ChannelFuture f = b.bind(wanted).awaitUninterruptibly();
        if (!f.isSuccess()) {
            shutdownGroups();
            removeGauges();
            Throwable cause = f.cause();
            IOException io = cause instanceof IOException e ? e : new IOException(cause);
            throw new UncheckedIOException("cannot listen on " + wanted + ": " + cause.getMessage(), io);
        }
        serverChannel = f.channel();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        log.info("ONC RPC server listening on {} (programs {})", bound, programNumbers());
        return bound;
    }

    private String programNumbers() {
        StringBuilder sb = new StringBuilder();
        for (RpcProgram p : shared.programs) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(p.program()).append(" v").append(p.lowVersion()).append('-').append(p.highVersion());
        }
        return sb.toString();
    }

    private void accept(SocketChannel ch) {
        RpcServerMetrics m = shared.metrics;
        if (open.incrementAndGet() > config.maxConnections() || closing) {
            open.decrementAndGet();
            m.connectionsRejected.inc();
            log.debug("{}: over {} connections; closed at once", ch.remoteAddress(), config.maxConnections());
            ch.close();
            return;
        }
        m.connectionsAccepted.inc();
        m.connectionsOpen.inc();
        children.add(ch);
        ch.closeFuture().addListener(f -> {
            open.decrementAndGet();
            m.connectionsOpen.dec();
            m.connectionsClosed.inc();
            children.remove(ch);
        });
        ch.pipeline().addLast(new ServerConnection(shared));
        if (closing) ch.close();
    }

    /** The bound address, or null before {@link #start}. */
    public synchronized InetSocketAddress localAddress() {
        return serverChannel == null ? null : (InetSocketAddress) serverChannel.localAddress();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    /** Bytes of incomplete records held now, across all connections (part of {@link #reservedBytes()}). */
    public long bufferedBytes() {
        return shared.memory.partial();
    }

    /**
     * Bytes held now in the memory budget for all connections: partial records, requests of
     * calls waiting or running, reply reservations and replies not yet written.
     */
    public long reservedBytes() {
        return shared.memory.reserved();
    }

    /**
     * Stops accepting, closes every connection (replies still being computed are discarded when
     * they arrive) and stops the I/O threads, waiting a few seconds at most. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closing && serverChannel == null && acceptGroup == null) return;
        closing = true;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
            serverChannel = null;
        }
        for (Channel c : children) {
            c.close();
        }
        shutdownGroups();
        removeGauges();
        shared.dataAlloc.close();
    }

    private void shutdownGroups() {
        if (acceptGroup != null) {
            acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            acceptGroup.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            ioGroup.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            acceptGroup = null;
            ioGroup = null;
        }
    }

    private void registerGauge(String name, Gauge<?> gauge) {
        registry.register(name, gauge);
        gauges.add(name);
    }

    private void removeGauges() {
        for (String g : gauges) {
            registry.remove(g);
        }
        gauges.clear();
    }
}
