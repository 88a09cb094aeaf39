package org.echofs.gateway.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.exporter.common.TextFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Serves the metrics of one {@link MetricRegistry} over HTTP for Prometheus: {@code GET /metrics}
 * answers in the text exposition format (0.0.4, or OpenMetrics when the scraper asks for it);
 * {@code ?name[]=x} limits the answer to those families. Every other path is 404, every other
 * method 405. Requests are bounded (4 KiB request line, 8 KiB headers, 16 KiB body) and an idle
 * connection is closed after 30 s.
 *
 * <p>The server records its own {@code metrics.http.requests} counter and
 * {@code metrics.http.scrape} timer in the registry it serves. It uses its own
 * {@link CollectorRegistry} instance, never Prometheus' static default one, so several servers
 * can live in one JVM.
 *
 * <p>Threads: {@link #start()} and {@link #close()} may be called from any thread, once each;
 * requests are handled on one Netty event-loop thread of its own. {@link #start()} fails with an
 * {@link IOException} when the address cannot be bound.
 */
public final class MetricsHttpServer implements AutoCloseable {

    /** The one path this server answers. */
    public static final String PATH = "/metrics";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_SIZE = 8192;
    private static final int MAX_CONTENT = 16 * 1024;
    private static final int IDLE_SECONDS = 30;

    private final InetSocketAddress bind;
    private final CollectorRegistry collectors;
    private final Counter requests;
    private final Timer scrapes;
    private EventLoopGroup group;
    private Channel channel;

    /**
     * @param bind     address and port to listen on (port 0 = an ephemeral port)
     * @param registry the metrics to serve
     */
    public MetricsHttpServer(InetSocketAddress bind, MetricRegistry registry) {
        this.bind = bind;
        this.collectors = new CollectorRegistry();
        new DropwizardExports(registry).register(collectors);
        this.requests = registry.counter("metrics.http.requests");
        this.scrapes = registry.timer("metrics.http.scrape");
    }

    /** Binds and starts serving; returns the bound address (with the real port). */
    public synchronized InetSocketAddress start() throws IOException {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("echofs-metrics-http", true),
                NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CONTENT))
                                .addLast(new HttpObjectAggregator(MAX_CONTENT))
                                .addLast(new Handler());
                    }
                });
        ChannelFuture bound = bootstrap.bind(bind).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            group = null;
            Throwable cause = bound.cause();
            throw new IOException("cannot listen for metrics on " + bind.getAddress().getHostAddress() + ":"
                    + bind.getPort() + ": " + cause.getMessage(), cause);
        }
        channel = bound.channel();
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        LOG.info("metrics at http://{}:{}{}", local.getAddress().getHostAddress(), local.getPort(), PATH);
        return local;
    }

    /** Stops listening and closes open connections. Idempotent. */
    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }

    private String render(String accept, List<String> names) throws IOException {
        String contentType = TextFormat.chooseContentType(accept);
        StringWriter out = new StringWriter(16 * 1024);
        Set<String> filter = names == null || names.isEmpty() ? null : new HashSet<>(names);
        if (filter == null) {
            TextFormat.writeFormat(contentType, out, collectors.metricFamilySamples());
        } else {
            TextFormat.writeFormat(contentType, out, collectors.filteredMetricFamilySamples(filter));
        }
        return out.toString();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.inc();
            if (!request.decoderResult().isSuccess()) {
                send(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            if (!PATH.equals(uri.path())) {
                send(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found; metrics are at " + PATH + "\n"), true);
                return;
            }
            boolean head = HttpMethod.HEAD.equals(request.method());
            if (!head && !HttpMethod.GET.equals(request.method())) {
                FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
                response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                send(ctx, request, response, true);
                return;
            }
            String accept = request.headers().get(HttpHeaderNames.ACCEPT);
            String body;
            try (Timer.Context ignored = scrapes.time()) {
                body = render(accept, uri.parameters().get("name[]"));
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot render metrics", e);
                send(ctx, request, text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot render metrics\n"), false);
                return;
            }
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, TextFormat.chooseContentType(accept));
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            if (head) {
                content.release();
            }
            send(ctx, request, response, true);
        }

        private FullHttpResponse text(HttpResponseStatus status, String message) {
            ByteBuf content = Unpooled.copiedBuffer(message, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            return response;
        }

        private void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
                          boolean mayKeepAlive) {
            boolean keepAlive = mayKeepAlive && HttpUtil.isKeepAlive(request);
            if (keepAlive) {
                if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("metrics connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
