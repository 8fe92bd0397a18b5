package io.tailkeep.bench;

import io.tailkeep.deploy.demo.ShopKind;
import io.tailkeep.deploy.demo.ShopService;
import io.tailkeep.deploy.demo.ShopSpan;
import io.tailkeep.deploy.demo.ShopTraces;
import io.tailkeep.store.OtlpSpan;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanBatch;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Kept traces as the store gets them: the shop's traces ({@link ShopTraces}, the model the demo
 * sends too) of the kinds the default rules keep, in their shares of what is kept
 * ({@link ShopKind.Mix#KEPT}: errors and slow traces a third each, then ordinary requests, uploads,
 * payments, admin actions and streams), grown to the sizes asked, each a {@link SpanBatch} with the
 * sampling its rule records. Seeded, so two runs write the same shapes.
 */
final class TraceFactory {

  /** The root of ordinary, error, slow and payment traces (about 80 % of the kept ones). */
  static final String ENTRY_SERVICE = ShopService.FRONTEND.serviceName;

  private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);

  private final SplittableRandom random;
  private final ShopTraces shop;
  private final OtlpTraces otlp;

  TraceFactory(long seed) {
    this.random = new SplittableRandom(seed);
    this.shop = new ShopTraces(random);
    this.otlp = new OtlpTraces(random);
  }

  /** Mostly 5-50 spans, a few 100-400, rarely 1000-2000 (a batch job or a fan-out gone wild). */
  SpanBatch mixedTrace(long nowNanos) {
    double p = random.nextDouble();
    int size;
    if (p < 0.002) {
      size = random.nextInt(1_000, 2_001);
    } else if (p < 0.03) {
      size = random.nextInt(100, 401);
    } else {
      size = random.nextInt(5, 51);
    }
    return trace(size, nowNanos);
  }

  /**
   * A trace of {@code size} spans (exactly from 10 up; below that, a request may have more of its
   * own, up to 9) whose root starts in the hour before {@code nowNanos}.
   */
  SpanBatch trace(int size, long nowNanos) {
    ShopKind kind = shop.nextKind(ShopKind.Mix.KEPT);
    ShopSpan root = shop.trace(kind, size);
    long rootStart = nowNanos - HOUR_NANOS + (long) (random.nextDouble() * (HOUR_NANOS - root.durationNanos()));
    List<OtlpSpan> spans =
        otlp.render(root, rootStart).stream()
            .map(exported -> OtlpSpan.of(exported.resource(), exported.scope(), exported.span()))
            .toList();
    return SpanBatch.of(spans, new Sampling(kind.rule, kind.keptShare));
  }
}
