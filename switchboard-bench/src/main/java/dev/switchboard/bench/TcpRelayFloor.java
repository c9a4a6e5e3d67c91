package dev.switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The lowest a JVM proxy can go on this machine: a byte relay (no HTTP parsing at all) on one Netty event loop, where
 * each client connection gets its own upstream connection registered on the same loop, so a request's bytes and
 * the answer's first bytes cross no thread. Next to {@link StackFloorProxy} and nginx in {@code bench/first-byte.sh},
 * it says what an event-loop architecture could save. (Netty comes with Lettuce, through switchboard-storage.)
 *
 * <p>{@code java -cp switchboard-bench/target/benchmarks.jar dev.switchboard.bench.TcpRelayFloor PORT UPSTREAM_HOST UPSTREAM_PORT}
 */
public final class TcpRelayFloor {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String upstreamHost = args[1];
        int upstreamPort = Integer.parseInt(args[2]);
        EventLoopGroup loop = new NioEventLoopGroup(1);
        new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        client.pipeline().addLast(new ClientSide(upstreamHost, upstreamPort));
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("tcp relay listening on " + port + " -> " + upstreamHost + ":" + upstreamPort);
        Thread.currentThread().join();
    }

    /** Bytes from one channel to its peer, reading more once they are written; either side closing closes both. */
    private static class Relay extends ChannelInboundHandlerAdapter {
        Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            peer.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) ctx.channel().read();
                else f.channel().close();
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer != null) peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The client's side: opens its upstream connection on the client's own event loop, then relays both ways. */
    private static final class ClientSide extends Relay {
        private final String host;
        private final int port;

        ClientSide(String host, int port) {
            super(null);
            this.host = host;
            this.port = port;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new Relay(client))
                    .connect(host, port).addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            client.close();
                            return;
                        }
                        peer = f.channel();
                        peer.read();
                        client.read();
                    });
        }
    }
}
