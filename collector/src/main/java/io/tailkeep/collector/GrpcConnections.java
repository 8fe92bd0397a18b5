package io.tailkeep.collector;

import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty transport under the gRPC receiver, with event loops of its own so that it can count
 * connections below gRPC, which has no cap on them: one past the port's cap is closed as soon as
 * it is accepted. Epoll where Netty's native library loads, as gRPC's default transport does; NIO
 * elsewhere.
 */
final class GrpcConnections implements AutoCloseable {

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final boolean epoll = Epoll.isAvailable();
  private final ChannelHandler watch;

  GrpcConnections(ConnectionCap cap) {
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("grpc-accept", true), io);
    // 0: Netty's default, twice the cores, as gRPC's shared worker group
    this.workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("grpc-io", true), io);
    this.watch = new AcceptedConnections(cap);
  }

  NettyServerBuilder serverBuilder(InetSocketAddress address, ServerCredentials tls) {
    NettyServerBuilder builder =
        tls == null
            ? NettyServerBuilder.forAddress(address)
            : NettyServerBuilder.forAddress(address, tls);
    return builder
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .channelFactory(() -> {
          ServerChannel listening = epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel();
          // First in the listening channel's pipeline: it sees each accepted connection before
          // Netty's acceptor hands it to gRPC.
          listening.pipeline().addLast(watch);
          return listening;
        });
  }

  /** After the gRPC server has terminated. */
  @Override
  public void close() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** On the listening channel: every message read there is a newly accepted connection. */
  @ChannelHandler.Sharable
  private static final class AcceptedConnections extends ChannelInboundHandlerAdapter {

    private final ConnectionCap cap;

    AcceptedConnections(ConnectionCap cap) {
      this.cap = cap;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object accepted) {
      Channel connection = (Channel) accepted;
      if (cap.tryOpen()) {
        connection.closeFuture().addListener(closed -> cap.closed());
        ctx.fireChannelRead(accepted);
      } else {
        // Not registered with an event loop yet: close it the way Netty's acceptor does on failure.
        connection.unsafe().closeForcibly();
      }
    }
  }
}
