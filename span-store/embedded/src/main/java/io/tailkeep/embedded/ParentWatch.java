package io.tailkeep.embedded;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Main class of every server child JVM: {@code ParentWatch <server main class> <its arguments...>}. It ties the
 * child's life to the parent's: the parent holds the child's stdin open, so end-of-file means the parent stopped
 * the server or died (even by SIGKILL), and the child exits, which runs the server's own shutdown hook. Then it
 * calls the server's main class.
 *
 * <p>JDK-only on purpose: this class runs on the server's classpath, where no other Tailkeep class belongs.
 */
final class ParentWatch {

  /** What {@link #main} returns when started without a server main class, as a usage error. */
  static final int USAGE_EXIT_CODE = 2;

  /** System property: only the parent stops this server (see {@link #ignoreGroupSignals}). */
  static final String PARENT_STOPS = "tailkeep.parentStops";

  private ParentWatch() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      System.err.println("Usage: " + ParentWatch.class.getName() + " SERVER_MAIN_CLASS [ARGUMENTS...]");
      System.exit(USAGE_EXIT_CODE);
    }
    ignoreGroupSignals();
    Thread watch = new Thread(ParentWatch::exitWhenStdinCloses, "tailkeep-parent-watch");
    watch.setDaemon(true);
    watch.start();
    try {
      // Reflection keeps the server's classes out of Tailkeep's compile classpath.
      Class.forName(args[0]).getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * Ctrl-C in a terminal interrupts the whole process group, this child included; the parent decides when the
   * server stops (after writing what it holds), so the child ignores it. The JVM then keeps it ignored even for a
   * server that registers its own handler later (Kafka 4.1 does; a SIGINT still leaves it running).
   *
   * <p>With {@value #PARENT_STOPS} set, SIGTERM is ignored the same way: systemd ({@code KillMode=control-group}),
   * {@code timeout} and many supervisors send it to the whole group, and a store that stopped with its parent's
   * SIGTERM could not take the parent's last writes. A server that is itself a node (a Tailkeep node under
   * {@code tailkeep cluster}) leaves the property unset: SIGTERM is how an orchestrator stops it.
   */
  private static void ignoreGroupSignals() {
    ignore("INT");
    if (Boolean.getBoolean(PARENT_STOPS)) {
      ignore("TERM");
    }
  }

  @SuppressWarnings("removal")
  private static void ignore(String signal) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), sun.misc.SignalHandler.SIG_IGN);
    } catch (Throwable e) {
      // Not supported here: the signal then stops the server at once, as it would without this.
    }
  }

  private static void exitWhenStdinCloses() {
    try {
      while (System.in.read() != -1) {
        // The parent never writes; anything it does send is ignored.
      }
    } catch (IOException e) {
      // A broken pipe means the parent is gone too.
    }
    System.exit(0);
  }
}
