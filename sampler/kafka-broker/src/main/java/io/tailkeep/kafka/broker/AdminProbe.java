package io.tailkeep.kafka.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * Asks the broker whether it serves clients yet: an AdminClient's describeCluster must list this node. Kafka opens
 * the client port only once the broker is registered and unfenced, so the port is tried first with a plain
 * connect, which keeps the AdminClient from logging a warning for every refused connection while it starts.
 */
final class AdminProbe implements AutoCloseable {

  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final InetSocketAddress address;
  private Admin admin;

  AdminProbe(InetSocketAddress address) {
    this.address = address;
  }

  boolean answers() throws InterruptedException {
    if (!portOpen()) {
      return false;
    }
    if (admin == null) {
      admin = Admin.create(Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address.getHostString() + ":" + address.getPort(),
          AdminClientConfig.CLIENT_ID_CONFIG, "tailkeep-kafka-start-probe",
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis()));
    }
    try {
      return admin.describeCluster().nodes().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
          .mapToInt(Node::id)
          .anyMatch(id -> id == BrokerConfiguration.NODE_ID);
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  private boolean portOpen() {
    try (Socket socket = new Socket()) {
      socket.connect(address, CONNECT_TIMEOUT_MILLIS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ZERO);
    }
  }
}
