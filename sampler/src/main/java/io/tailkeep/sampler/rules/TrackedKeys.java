package io.tailkeep.sampler.rules;

import io.tailkeep.sampler.traffic.ServiceGraph;
import io.tailkeep.store.wire.AttributeKeys;
import io.tailkeep.store.wire.SpanFieldReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The attribute keys and key prefixes a trace summary records values for, with the reader that
 * picks exactly those out of span bytes. One per rule set, shared by its summaries.
 *
 * <p>The reader also picks out the service graph's peer attributes ({@link
 * ServiceGraph#PEER_ATTRIBUTES}), so a client span's peer is known from the one read the summary
 * makes of it; their values are not recorded unless a rule reads them too.
 */
final class TrackedKeys {

  private final Set<String> ruleKeys;
  private final AttributeKeys keys;
  private final SpanFieldReader reader;
  /** Per number: the peer attribute's rank in {@link ServiceGraph#PEER_ATTRIBUTES}, or -1. */
  private final int[] peerRanks;
  /** Per number: whether a rule reads it (a key or prefix of the rules, not only a peer). */
  private final boolean[] ruleNumbers;

  TrackedKeys(Set<String> keys, List<String> prefixes) {
    this.ruleKeys = Set.copyOf(keys);
    List<String> all = new ArrayList<>(keys);
    for (String peer : ServiceGraph.PEER_ATTRIBUTES) {
      if (!all.contains(peer)) {
        all.add(peer);
      }
    }
    this.keys = new AttributeKeys(all, prefixes);
    this.reader = new SpanFieldReader(this.keys);
    this.peerRanks = new int[this.keys.size()];
    Arrays.fill(peerRanks, -1);
    for (int rank = 0; rank < ServiceGraph.PEER_ATTRIBUTES.size(); rank++) {
      peerRanks[all.indexOf(ServiceGraph.PEER_ATTRIBUTES.get(rank))] = rank;
    }
    this.ruleNumbers = new boolean[this.keys.size()];
    for (int number = 0; number < ruleNumbers.length; number++) {
      ruleNumbers[number] = this.keys.isPrefix(number) || ruleKeys.contains(this.keys.text(number));
    }
  }

  /** The keys the rules read (the peer attributes are picked out, not recorded). */
  Set<String> keys() {
    return ruleKeys;
  }

  /** The rank of a matched key among the peer attributes, or -1 when it is none of them. */
  int peerRank(int number) {
    return peerRanks[number];
  }

  /** Whether a matched key or prefix is one the rules read, so its values are recorded. */
  boolean readByRules(int number) {
    return ruleNumbers[number];
  }

  List<String> prefixes() {
    return keys.prefixes();
  }

  /** Whether the rules read no attribute at all. */
  boolean isEmpty() {
    return ruleKeys.isEmpty() && keys.prefixes().isEmpty();
  }

  AttributeKeys attributeKeys() {
    return keys;
  }

  SpanFieldReader reader() {
    return reader;
  }

  /** The number {@link AttributeKeys} reports for this key or prefix; -1 when it is not tracked. */
  int numberOf(AttributeSelector selector) {
    int index = selector.isPrefix() ? keys.prefixes().indexOf(selector.text()) : keys.keys().indexOf(selector.text());
    if (index < 0) {
      return -1;
    }
    return selector.isPrefix() ? keys.keys().size() + index : index;
  }
}
