package io.tailkeep.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.collector.ReceiverLimits;
import io.tailkeep.deploy.OtelServices.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * 1 000 connections that never send a byte, on each of the three ports, do not keep the server
 * from taking exports, and the server closes them all once they have been idle for its idle
 * timeout.
 */
class IdleConnectionsTest {

  private static final int CONNECTIONS = 1_000;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

  @Test
  void athousandIdleConnectionsPerPortAreClosedAndExportsStillGoThrough() throws Exception {
    try (TailkeepServer server = TestServers.start(
        TestServers.builder(TestStores.open("idle_connections"), TestServers.QUICK_DECISIONS,
                TestServers.QUICK_RETRIES)
            .limits(ReceiverLimits.DEFAULTS.withIdleTimeout(IDLE_TIMEOUT)))) {
      List<Socket> idle = new ArrayList<>();
      try {
        for (int port : new int[] {server.grpcPort(), server.httpPort(), server.apiPort()}) {
          for (int i = 0; i < CONNECTIONS; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            idle.add(socket);
          }
        }
        for (Transport transport : Transport.values()) {
          try (OtelServices apps = OtelServices.exportingTo(transport,
              transport == Transport.GRPC ? server.grpcPort() : server.httpPort())) {
            apps.send("idle", TraceShapes.errorStatus());
            apps.flush(); // every export answered OK
          }
        }
        Thread.sleep(IDLE_TIMEOUT.multipliedBy(3).toMillis());
        Map<Integer, Long> open = idle.stream().filter(IdleConnectionsTest::stillOpen)
            .collect(Collectors.groupingBy(Socket::getPort, Collectors.counting()));
        assertThat(open).as("idle connections kept open past the idle timeout, by port (gRPC %d, HTTP %d, API %d)",
            server.grpcPort(), server.httpPort(), server.apiPort()).isEmpty();
      } finally {
        for (Socket socket : idle) {
          socket.close();
        }
      }
    }
  }

  /**
   * Whether the server has not closed {@code socket}: reading what it sent (gRPC sends its HTTP/2
   * settings first) neither ends nor fails.
   */
  private static boolean stillOpen(Socket socket) {
    try {
      socket.setSoTimeout(50);
      byte[] sent = new byte[1024];
      while (socket.getInputStream().read(sent) != -1) {
        // what the server sent before closing
      }
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (IOException e) {
      return false; // reset by the server
    }
  }
}
