package io.tailkeep.deploy.demo;

import io.tailkeep.deploy.CommandLines;
import io.tailkeep.deploy.demo.DemoOptions.Protocol;
import io.tailkeep.deploy.demo.DemoSender.ExportTotals;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tailkeep demo}: sends a small shop's traffic to a running Tailkeep server with the
 * OpenTelemetry Java SDK, then says what the default rules will keep and where to look. What the
 * traces look like is {@link DemoTraffic}'s business; this class takes the options, checks that a
 * server answers, sends and reports. Never a stack trace: the output is for people.
 */
@Command(
    name = "demo",
    customSynopsis = {
      "usage: tailkeep demo [--endpoint URL] [--protocol grpc|http/protobuf] [--traces N]",
      "                     [--seed N] [--api URL]"
    },
    description =
        "%nSends sample traffic of a small shop (14 services: errors, slow requests, admin actions,"
            + " payments, uploads, streaming, health checks, ordinary requests) to a running Tailkeep server"
            + " with the OpenTelemetry Java SDK, then prints what the default rules keep and where"
            + " to look.%n")
public final class DemoCommand implements Callable<Integer> {

  /** What {@code demo --help} prints. */
  static final String USAGE = CommandLines.usage(new DemoCommand(System.out, System.err));

  static final int OK = 0;
  static final int FAILED = 1;

  /** Traces made before each flush: few enough that no service's processor exports on its own. */
  static final int TRACES_PER_FLUSH = 50;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private final Consumer<DemoRun> sent;

  @Spec private CommandSpec spec;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "OTLP endpoint (default http://localhost:4317; http://localhost:4318 with --protocol"
              + " http/protobuf)")
  private String endpoint;

  @Option(
      names = "--protocol",
      paramLabel = "P",
      converter = DemoOptions.ProtocolName.class,
      description = "grpc (default) or http/protobuf")
  private Protocol protocol = Protocol.GRPC;

  @Option(
      names = "--traces",
      paramLabel = "N",
      converter = DemoOptions.TraceCount.class,
      description = "how many traces, 10 to 100000 (default 300: a few seconds)")
  private int traces = DemoOptions.DEFAULT_TRACES;

  // A new plan each run unless asked; trace IDs are always new (the SDK's random IDs), so
  // sending the same seed twice never collides with traces already decided.
  @Option(
      names = "--seed",
      paramLabel = "N",
      converter = DemoOptions.Seed.class,
      description =
          "the same traffic as an earlier run (kinds, order, timings); trace IDs are new every run")
  private long seed = System.nanoTime();

  @Option(
      names = "--api",
      paramLabel = "URL",
      description =
          "the server's UI and API, for the links printed (default: the endpoint's host, port"
              + " 16686)")
  private String api;

  /** Exit code 0 when every span was accepted, 1 when no server answered or it refused spans. */
  public DemoCommand(PrintStream out, PrintStream err) {
    this(out, err, Clock.systemUTC(), run -> {});
  }

  /** As above; {@code sent} gets what was sent when every span was accepted. */
  DemoCommand(PrintStream out, PrintStream err, Clock clock, Consumer<DemoRun> sent) {
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.sent = sent;
  }

  @Override
  public Integer call() {
    DemoOptions options = options();
    String problem = unreachable(options);
    if (problem != null) {
      err.println("tailkeep demo: " + problem);
      return FAILED;
    }
    Logger otelLogs = Logger.getLogger("io.opentelemetry");
    Level otelLevel = otelLogs.getLevel();
    // The SDK logs each failed export with a stack trace; the demo reports failures itself.
    otelLogs.setLevel(Level.OFF);
    try {
      return send(options);
    } finally {
      otelLogs.setLevel(otelLevel);
    }
  }

  /** The options read; a bad URL is a usage error. */
  DemoOptions options() {
    try {
      return DemoOptions.of(protocol, endpoint, api, traces, seed);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Null when something accepts TCP connections at the endpoint; otherwise what to tell the user. */
  private static String unreachable(DemoOptions options) {
    URI endpoint = options.endpoint();
    String host = endpoint.getHost().replace("[", "").replace("]", "");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, endpoint.getPort()), (int) CONNECT_TIMEOUT.toMillis());
      return null;
    } catch (UnknownHostException e) {
      return "unknown host '" + host + "' in the endpoint " + endpoint;
    } catch (IOException | IllegalArgumentException e) {
      return "no Tailkeep server at " + options.endpointAddress()
          + " — start it with ./tailkeep run (or point --endpoint at one)";
    }
  }

  private int send(DemoOptions options) {
    long began = System.nanoTime();
    List<PlannedTrace> plan = DemoTraffic.plan(options.traces(), options.seed());
    // The traces lie on the timeline just before now: the last of them ends about now.
    long windowStart = epochNanos(clock.instant()) - TimeUnit.MILLISECONDS.toNanos(DemoTraffic.windowMillis(plan));
    Map<ShopKind, List<String>> traceIds = new EnumMap<>(ShopKind.class);
    long spans = 0;
    ExportTotals totals;
    try (DemoSender sender = new DemoSender(options)) {
      for (int i = 0; i < plan.size(); i++) {
        PlannedTrace trace = plan.get(i);
        String traceId =
            sender.send(trace, windowStart + TimeUnit.MILLISECONDS.toNanos(trace.startOffsetMillis()));
        traceIds.computeIfAbsent(trace.kind(), kind -> new ArrayList<>()).add(traceId);
        spans += trace.root().spanCount();
        if ((i + 1) % TRACES_PER_FLUSH == 0 || i + 1 == plan.size()) {
          totals = sender.flush();
          if (totals.failed() > 0) {
            err.println("tailkeep demo: the server at " + options.endpointAddress()
                + " refused spans: " + totals.firstFailure());
            return FAILED;
          }
        }
      }
      totals = sender.totals();
    }
    if (totals.exported() < spans) {
      err.println("tailkeep demo: the server at " + options.endpointAddress() + " accepted only "
          + totals.exported() + " of " + spans + " spans in time");
      return FAILED;
    }
    DemoRun run = new DemoRun(traceIds, spans, Duration.ofNanos(System.nanoTime() - began));
    sent.accept(run);
    new DemoSummary(options, run).print(out);
    return OK;
  }

  private static long epochNanos(Instant instant) {
    return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
  }
}
