package io.tailkeep.store.cassandra.node;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;

/**
 * Main class of the Cassandra child JVM. It ties the node's life to the parent's: the parent holds the child's
 * stdin open, so end-of-file means the parent closed the node or died (even by SIGKILL), and the child exits,
 * which runs Cassandra's own shutdown hook.
 *
 * <p>JDK-only on purpose: this class runs on Cassandra's classpath, where no other Tailkeep class belongs.
 */
final class CassandraWithParentWatch {

  private static final String DAEMON = "org.apache.cassandra.service.CassandraDaemon";

  private CassandraWithParentWatch() {}

  public static void main(String[] args) throws Throwable {
    ignoreInterrupt();
    Thread watch = new Thread(CassandraWithParentWatch::exitWhenStdinCloses, "tailkeep-parent-watch");
    watch.setDaemon(true);
    watch.start();
    try {
      // Reflection keeps the server's classes out of Tailkeep's compile classpath.
      Class.forName(DAEMON).getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * Ctrl-C in a terminal interrupts the whole process group, this child included; the parent
   * decides when the node stops (after writing what it holds), so the child ignores it.
   */
  @SuppressWarnings("removal")
  private static void ignoreInterrupt() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
    } catch (Throwable e) {
      // Not supported here: Ctrl-C then stops the node at once, as it would without this.
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
