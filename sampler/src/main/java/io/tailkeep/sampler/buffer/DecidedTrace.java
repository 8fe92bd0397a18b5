package io.tailkeep.sampler.buffer;

import io.tailkeep.store.OtlpSpan;
import java.util.List;

/**
 * A trace just decided and taken out of the buffer, waiting to be handed to the sink once no lock
 * is held.
 *
 * @param spans the trace's spans if it was kept; empty for a drop (nothing to hand over)
 */
record DecidedTrace(RememberedDecision decision, List<OtlpSpan> spans) {}
