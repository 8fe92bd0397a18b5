package io.tailkeep.store.traffic;

import java.util.Objects;

/**
 * Requests from one service to another (or to a peer that sends no spans, such as a database),
 * those that failed, and their durations as each side saw them.
 *
 * @param clientLatency the client spans' durations; its total is the requests
 * @param serverLatency the server spans' durations, one per request
 */
public record EdgeCalls(
    String client, String server, long failed, LatencyHistogram clientLatency, LatencyHistogram serverLatency) {

  public EdgeCalls {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(clientLatency, "clientLatency");
    Objects.requireNonNull(serverLatency, "serverLatency");
    long requests = clientLatency.total();
    if (serverLatency.total() != requests) {
      throw new IllegalArgumentException(
          "edge " + client + " -> " + server + " counts " + requests + " client durations but "
              + serverLatency.total() + " server durations; each request has one of each");
    }
    if (failed < 0 || failed > requests) {
      throw new IllegalArgumentException(
          "failed must be between 0 and the requests (" + requests + "), got " + failed);
    }
  }

  public long requests() {
    return clientLatency.total();
  }

  /** Both edges' requests together; the names are this edge's. */
  public EdgeCalls plus(EdgeCalls other) {
    return new EdgeCalls(
        client,
        server,
        Math.addExact(failed, other.failed),
        clientLatency.plus(other.clientLatency),
        serverLatency.plus(other.serverLatency));
  }
}
