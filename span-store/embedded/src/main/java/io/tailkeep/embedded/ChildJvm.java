package io.tailkeep.embedded;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server running in a child JVM whose life is tied to this one. Its main class is {@link ParentWatch}, which
 * exits the child when this JVM closes the child's stdin or dies; a shutdown hook of this JVM stops the child when
 * this JVM exits normally.
 *
 * <pre>{@code
 * List<String> command = ChildJvm.command(lib, List.of("-Xmx512m"), "kafka.Kafka", List.of("server.properties"));
 * ChildJvm kafka = ChildJvm.start("Kafka", command, workDirectory, logs.resolve("stdout.log"), Duration.ofSeconds(30));
 * ...
 * kafka.stop(); // graceful: the server's own shutdown hook runs; forcible after the timeout
 * }</pre>
 */
public final class ChildJvm {

  private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

  private static final Duration FORCED_STOP = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final OutputStream parentWatch;
  private final Duration gracefulStop;
  private final Thread shutdownHook;
  private boolean stopped;

  private ChildJvm(String name, Process process, Duration gracefulStop) {
    this.name = name;
    this.process = process;
    this.parentWatch = process.getOutputStream();
    this.gracefulStop = gracefulStop;
    this.shutdownHook = new Thread(this::stop, "tailkeep-" + name.toLowerCase(Locale.ROOT) + "-stop-"
        + process.pid());
  }

  /**
   * The command line of a server's child JVM: this JVM's {@code java}, the options, the server's jars first (so
   * nothing beside the watch can shadow them) and then the watch's own classes, the watch, the server's main class
   * and its arguments. The child ignores SIGINT and SIGTERM sent to the whole process group: it stops when this JVM
   * says so (or dies), after this JVM has done what it needs the server for.
   */
  public static List<String> command(Path serverLib, List<String> jvmOptions, String mainClass,
      List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-D" + ParentWatch.PARENT_STOPS + "=true");
    command.add("-cp");
    command.add(serverLib.resolve("*") + File.pathSeparator + watchLocation());
    command.add(ParentWatch.class.getName());
    command.add(mainClass);
    command.addAll(arguments);
    return command;
  }

  /**
   * Starts {@code command} (from {@link #command}) in {@code workingDirectory}, its stdout and stderr written to
   * {@code outputLog} (replaced). {@link #stop()} waits {@code gracefulStop} for the server's own shutdown before
   * killing it.
   */
  public static ChildJvm start(String name, List<String> command, Path workingDirectory, Path outputLog,
      Duration gracefulStop) throws IOException {
    Files.createDirectories(outputLog.toAbsolutePath().getParent());
    Process process = new ProcessBuilder(command)
        .directory(workingDirectory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(outputLog.toFile())
        .start();
    ChildJvm child = new ChildJvm(name, process, gracefulStop);
    try {
      Runtime.getRuntime().addShutdownHook(child.shutdownHook);
    } catch (IllegalStateException e) {
      // This JVM is already exiting: nothing would stop the child, so it must not outlive this call.
      process.destroyForcibly();
      throw new IOException("Not starting " + name + ": this JVM is shutting down", e);
    }
    LOG.debug("Started {} (pid {}): {}", name, process.pid(), command);
    return child;
  }

  /** The child's process ID, e.g. for reading its CPU time from {@code /proc/<pid>/stat}. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The child's exit code; only once it has exited. */
  public int exitValue() {
    return process.exitValue();
  }

  /** Waits up to {@code timeout} for the child to exit by itself; true if it has. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Leaves stopping to the caller: by default the child stops when this JVM exits, but JVM shutdown hooks run in
   * parallel, so a server that must use the child while it shuts down calls this and stops the child itself
   * afterwards. The child still exits if this JVM dies (its stdin closes).
   */
  public void stopOnlyWhenAsked() {
    removeShutdownHook();
  }

  /**
   * Stops the child: closing its stdin makes it exit through the server's own shutdown hook; a child that has not
   * exited after the graceful timeout is killed. Idempotent; the child has exited when this returns (unless even the
   * kill did not take within 10 s, which is logged).
   */
  public void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    try {
      parentWatch.close();
    } catch (IOException e) {
      LOG.debug("Closing the stdin of {} (pid {}) failed; it has likely exited", name, process.pid(), e);
    }
    try {
      if (!process.waitFor(gracefulStop.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} (pid {}) did not stop within {}; killing it", name, process.pid(), gracefulStop);
        if (!process.destroyForcibly().waitFor(FORCED_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("{} (pid {}) is still running {} after being killed", name, process.pid(), FORCED_STOP);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    removeShutdownHook();
  }

  private void removeShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: this call may be the hook itself, or the caller stops the child now anyway.
    }
  }

  /** Where the watch's classes live (target/classes or this module's jar): the child needs them. */
  private static Path watchLocation() {
    try {
      return Path.of(ParentWatch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate " + ParentWatch.class.getName(), e);
    }
  }

  @Override
  public String toString() {
    return "ChildJvm{" + name + ", pid=" + process.pid() + ", alive=" + process.isAlive() + "}";
  }
}
