package io.tailkeep.sampler.buffer;

import io.tailkeep.store.BatchSummary;
import io.tailkeep.store.WireSpan;
import java.util.List;

/**
 * A trace just decided and taken out of the buffer, waiting to be handed to the sink once no lock
 * is held.
 *
 * @param spans the trace's spans if it was kept; empty for a drop (nothing to hand over)
 * @param summary what the kept spans add to the trace's stored summary; null for a drop
 */
record DecidedTrace(RememberedDecision decision, List<WireSpan> spans, BatchSummary summary) {}
