package io.tailkeep.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailkeep.deploy.CommandLines;
import io.tailkeep.deploy.TailkeepServer;
import io.tailkeep.sampler.buffer.DecisionRecord;
import io.tailkeep.store.Sampling;
import io.tailkeep.store.SpanReader;
import io.tailkeep.store.SpanStore;
import io.tailkeep.store.TraceId;
import io.tailkeep.store.TraceSummary;
import io.tailkeep.store.cassandra.CassandraStorage;
import io.tailkeep.store.testing.CassandraEndpoint;
import io.tailkeep.store.testing.TestCassandra;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code tailkeep demo} against a running server on the real Cassandra node, with the shipped
 * default rules: every trace is decided by the rule its kind was made for, the must-keep kinds are
 * all stored, health checks none, and the baseline kinds only in part.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class DemoCommandTest {

  /** Public: the deploy tests' {@code TestStores} creates it with the other keyspaces. */
  public static final String KEYSPACE = "demo_command";

  private static final Logger LOG = LoggerFactory.getLogger(DemoCommandTest.class);
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TailkeepServer server;
  private SpanReader reader;

  @BeforeAll
  void start() throws Exception {
    CassandraEndpoint node = TestCassandra.shared();
    SpanStore store =
        CassandraStorage.builder()
            .contactPoints(List.of(node.contactPoint()))
            .localDatacenter(node.localDatacenter())
            .keyspace(KEYSPACE)
            .build()
            .open();
    // Decisions 200 ms after a root span instead of 2 s: the test waits less.
    server =
        TailkeepServer.builder()
            .spanStore(store)
            .host("127.0.0.1")
            .grpcPort(0)
            .httpPort(0)
            .apiPort(0)
            .tick(Duration.ofMillis(20))
            .buffer(
                b ->
                    b.gracePeriod(Duration.ofMillis(200))
                        .idleTimeout(Duration.ofSeconds(1))
                        .maxWait(Duration.ofSeconds(10)))
            .start();
    reader = server.store().reader();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void defaultTrafficMeetsItsRulesOverGrpc() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    DemoRun run =
        runDemo(out, err, "--endpoint", "http://localhost:" + server.grpcPort(), "--seed", "42");

    int total = DemoOptions.DEFAULT_TRACES;
    assertThat(run.traces()).isEqualTo(total);
    for (ShopKind kind : ShopKind.values()) {
      assertThat(run.traceIds(kind)).as("%s traces sent", kind).hasSize(DemoTraffic.counts(total).get(kind));
    }
    assertEveryTraceDecidedByItsRule(run);
    awaitQuiet();

    for (ShopKind kind : ShopKind.values()) {
      List<String> ids = run.traceIds(kind);
      List<String> stored = new ArrayList<>();
      for (String id : ids) {
        Optional<TraceSummary> summary = summary(id);
        boolean kept = server.sampler().why(TraceId.fromHex(id)).orElseThrow().keep();
        assertThat(summary.isPresent()).as("%s trace %s stored", kind, id).isEqualTo(kept);
        summary.ifPresent(
            s -> {
              assertThat(s.sampling()).as("sampling of %s", id).isEqualTo(new Sampling(kind.rule, kind.keptShare));
              stored.add(id);
            });
      }
      if (kind.alwaysKept()) {
        assertThat(stored).as("%s traces stored", kind).containsExactlyInAnyOrderElementsOf(ids);
      } else if (kind == ShopKind.HEALTH_CHECK) {
        assertThat(stored).as("health checks stored").isEmpty();
      } else {
        assertThat(stored.size()).as("%s traces stored of %s", kind, ids.size()).isLessThan(ids.size());
      }
    }

    LOG.info(
        "default demo: {} traces, {} spans sent in {} ms; kept by rule {}, dropped by rule {}",
        run.traces(), run.spans(), run.took().toMillis(),
        server.sampler().buffer().stats().tracesKeptByRule(), server.sampler().buffer().stats().tracesDroppedByRule());

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(printed)
        .contains("Sent " + total + " traces")
        .contains("/trace/" + run.traceIds(ShopKind.ERROR).get(0))
        .contains("/trace/" + run.traceIds(ShopKind.SLOW).get(0))
        .contains("http://localhost:16686/api/v1/traces?service=checkout&sort=duration")
        .contains("http://localhost:16686/api/v1/sampling/rules")
        .containsPattern("health check +" + run.traceIds(ShopKind.HEALTH_CHECK).size() + " +all dropped");
  }

  @Test
  void otlpHttpWorksToo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    DemoRun run =
        runDemo(out, err, "--protocol", "http/protobuf", "--endpoint", "http://127.0.0.1:" + server.httpPort(),
            "--traces", "20", "--api", "http://ui.example:8080");

    assertEveryTraceDecidedByItsRule(run);
    awaitQuiet();
    for (ShopKind kind : ShopKind.values()) {
      for (String id : run.traceIds(kind)) {
        if (kind.alwaysKept()) {
          assertThat(summary(id)).as("%s trace %s stored", kind, id).isPresent();
        }
      }
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("(OTLP/HTTP)")
        .contains("http://ui.example:8080/trace/" + run.traceIds(ShopKind.PAYMENT).get(0));
  }

  private DemoRun runDemo(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    AtomicReference<DemoRun> sent = new AtomicReference<>();
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    int exit =
        CommandLines.execute(
            new CommandLine(new DemoCommand(outStream, errStream, Clock.systemUTC(), sent::set)),
            List.of(args),
            outStream,
            errStream);
    assertThat(exit).as("exit code; stderr: %s", err.toString(StandardCharsets.UTF_8)).isEqualTo(0);
    assertThat(sent.get()).isNotNull();
    return sent.get();
  }

  private void assertEveryTraceDecidedByItsRule(DemoRun run) {
    for (ShopKind kind : ShopKind.values()) {
      for (String id : run.traceIds(kind)) {
        TraceId traceId = TraceId.fromHex(id);
        await("a decision on " + kind + " trace " + id, () -> server.sampler().why(traceId).isPresent());
        DecisionRecord why = server.sampler().why(traceId).orElseThrow();
        assertThat(why.rule()).as("rule of %s trace %s", kind, id).isEqualTo(kind.rule);
        if (why.keep()) {
          assertThat(why.probability()).as("probability of %s trace %s", kind, id).isEqualTo(kind.keptShare);
        }
      }
    }
  }

  /** Every trace decided and every kept one written. */
  private void awaitQuiet() {
    await(
        "an empty buffer and store queue",
        () ->
            server.sampler().buffer().stats().bufferedTraces() == 0
                && server.sampler().storeQueue().stats().queuedBatches() == 0);
  }

  private Optional<TraceSummary> summary(String traceId) {
    try {
      List<TraceSummary> summaries =
          reader.getSummaries(List.of(TraceId.fromHex(traceId))).toCompletableFuture().get(30, TimeUnit.SECONDS);
      return summaries.stream().findFirst();
    } catch (Exception e) {
      throw new AssertionError("reading Cassandra failed: " + e, e);
    }
  }

  private static void await(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + WAIT + " for " + what);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
