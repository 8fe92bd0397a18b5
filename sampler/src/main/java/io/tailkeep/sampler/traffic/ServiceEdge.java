package io.tailkeep.sampler.traffic;

import io.tailkeep.store.traffic.LatencyHistogram;

/**
 * One edge of the service graph as counted so far: requests from {@code client} to {@code
 * server}, those that failed, and their durations as each side saw them.
 *
 * @param server a service, or the peer a client span named (a database: {@code postgresql})
 * @param clientLatency the client spans' durations; its total is the requests
 * @param serverLatency the server spans' durations (the client span's for a peer that sends none)
 */
public record ServiceEdge(
    String client,
    String server,
    long failures,
    LatencyHistogram clientLatency,
    LatencyHistogram serverLatency) {

  public long requests() {
    return clientLatency.total();
  }
}
