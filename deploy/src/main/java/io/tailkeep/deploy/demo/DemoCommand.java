package io.tailkeep.deploy.demo;

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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code tailkeep demo}: sends a small shop's traffic to a running Tailkeep server with the
 * OpenTelemetry Java SDK, then says what the default rules will keep and where to look. What the
 * traces look like is {@link DemoTraffic}'s business; this class reads the options, checks that a
 * server answers, sends and reports. Never a stack trace: the output is for people.
 */
public final class DemoCommand {

  public static final String USAGE =
      """
      usage: tailkeep demo [--endpoint URL] [--protocol grpc|http/protobuf] [--traces N] [--seed N] [--api URL]

      Sends sample traffic of a small shop (9 services: errors, slow requests, admin actions,
      payments, uploads, health checks, ordinary requests) to a running Tailkeep server with the
      OpenTelemetry Java SDK, then prints what the default rules keep and where to look.

        --endpoint URL   OTLP endpoint (default http://localhost:4317; http://localhost:4318
                         with --protocol http/protobuf)
        --protocol P     grpc (default) or http/protobuf
        --traces N       how many traces, 10 to 100000 (default 300: a few seconds)
        --seed N         the same traffic as an earlier run (kinds, order, timings); trace IDs
                         are new every run
        --api URL        the server's UI and API, for the links printed (default: the endpoint's
                         host, port 16686)
      """;

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE_ERROR = 2;

  /** Traces made before each flush: few enough that no service's processor exports on its own. */
  static final int TRACES_PER_FLUSH = 50;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private DemoCommand() {}

  /**
   * @param args the arguments after {@code demo}
   * @return 0 when every span was accepted, 1 when no server answered or it refused spans, 2 for a
   *     usage error
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, out, err, Clock.systemUTC(), sent -> {});
  }

  /** As above; {@code sent} gets what was sent when every span was accepted. */
  static int run(
      List<String> args, PrintStream out, PrintStream err, Clock clock, Consumer<DemoRun> sent) {
    if (args.contains("-h") || args.contains("--help")) {
      out.print(USAGE);
      return OK;
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("tailkeep demo: " + e.getMessage());
      err.print(USAGE);
      return USAGE_ERROR;
    }
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
      return send(options, out, err, clock, sent);
    } finally {
      otelLogs.setLevel(otelLevel);
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

  private static int send(
      DemoOptions options, PrintStream out, PrintStream err, Clock clock, Consumer<DemoRun> sent) {
    long began = System.nanoTime();
    List<PlannedTrace> plan = DemoTraffic.plan(options.traces(), options.seed());
    // The traces lie on the timeline just before now: the last of them ends about now.
    long windowStart = epochNanos(clock.instant()) - TimeUnit.MILLISECONDS.toNanos(DemoTraffic.windowMillis(plan));
    Map<DemoKind, List<String>> traceIds = new EnumMap<>(DemoKind.class);
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
