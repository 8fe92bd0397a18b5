package io.tailkeep.deploy.demo;

/**
 * A trace the demo will send: its kind, its spans, and when it starts, in milliseconds after the
 * start of the demo's time window.
 */
record PlannedTrace(ShopKind kind, ShopSpan root, long startOffsetMillis) {}
