package io.tailkeep.embedded;

import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Claims a server's ports on the loopback address. Port 0 becomes a port the OS hands out; a fixed port must be
 * free now, so a clash is reported by setting name instead of as a bind error deep in the server's log. Sockets
 * stay bound until {@link #close()}, so ports claimed together are distinct; the server binds them after that.
 */
public final class LocalPorts implements Closeable {

  /** The only address the embedded servers listen on. */
  public static final String LOOPBACK = "127.0.0.1";

  private final List<ServerSocket> held = new ArrayList<>();

  /** The port to give the server for {@code setting}: {@code requested}, or a free one for 0. */
  public int claim(String setting, int requested) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.bind(new InetSocketAddress(LOOPBACK, requested));
    } catch (BindException e) {
      socket.close();
      throw new IOException(setting + " " + requested + " on " + LOOPBACK + " is already in use", e);
    }
    held.add(socket);
    return socket.getLocalPort();
  }

  /** True if nothing listens on the port, i.e. it could be bound right now. */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(LOOPBACK, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    for (ServerSocket socket : held) {
      socket.close();
    }
    held.clear();
  }
}
