package io.tailkeep.embedded;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in server main class for {@link ChildJvmTest}, run in a child JVM from a jar the test writes:
 * {@code ExampleServer <state file> [stop|hang]}. It says so in its state file when it has started and, from its
 * shutdown hook, when it stops; with {@code hang} its shutdown hook never returns.
 */
final class ExampleServer {

  private ExampleServer() {}

  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    boolean hang = args.length > 1 && args[1].equals("hang");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Files.writeString(state, "stopped");
        if (hang) {
          Thread.sleep(Long.MAX_VALUE);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }));
    System.out.println("example server running");
    Files.writeString(state, "started");
    Thread.sleep(Long.MAX_VALUE);
  }
}
