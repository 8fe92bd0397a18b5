package io.tailkeep.store.cassandra.node;

import io.tailkeep.embedded.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of the Cassandra child JVM, run through the parent watch of {@link ChildJvm}. */
final class NodeCommand {

  /**
   * The JPMS flags from Cassandra 5.0's conf/jvm17-server.options: the server reaches into JDK internals
   * (Unsafe, direct buffers, JMX, jamm's object sizing) and fails or degrades without them.
   */
  static final List<String> JDK17_FLAGS = List.of(
      "-Djdk.attach.allowAttachSelf=true",
      "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
      "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
      "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.base/java.io=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/java.util=ALL-UNNAMED",
      // Netty settings the same file sets for Java 17.
      "-Dio.netty.tryReflectionSetAccessible=true",
      "-Dio.netty.allocator.useCacheForAllThreads=true",
      "-Dio.netty.allocator.maxOrder=11");

  /**
   * The G1 settings of the same file, which Cassandra is run and tested with. Its 16 MiB regions matter
   * on a small heap: with the 1 MiB G1 picks for a 1 GiB heap, each 1 MiB memtable slab is a humongous
   * object. One flag is ours: the file's 70 % initiating threshold only seeds G1's adaptive one, which
   * on a 1 GiB heap settles below the old generation that memtables and caches keep (about a quarter
   * of the heap), so a reading node ran a concurrent cycle every 9-18 s, each with a Remark
   * pause of 9-26 ms and marking on one core that slowed the reads beside it. Fixed, the threshold
   * starts marking when the old generation passes 70 %.
   */
  static final List<String> G1_FLAGS = List.of(
      "-XX:+UseG1GC",
      "-XX:+ParallelRefProcEnabled",
      "-XX:MaxTenuringThreshold=1",
      "-XX:G1HeapRegionSize=16m",
      "-XX:G1RSetUpdatingPauseTimePercent=5",
      "-XX:MaxGCPauseMillis=300",
      "-XX:InitiatingHeapOccupancyPercent=70",
      "-XX:-G1UseAdaptiveIHOP");

  static final String DAEMON = "org.apache.cassandra.service.CassandraDaemon";

  private NodeCommand() {}

  static List<String> of(Path serverLib, NodeLayout layout, String maxHeap, int jmxPort) {
    List<String> options = new ArrayList<>();
    options.add("-Xms" + maxHeap);
    options.add("-Xmx" + maxHeap);
    options.addAll(G1_FLAGS);
    options.addAll(JDK17_FLAGS);
    options.add("-Dcassandra-foreground=yes");
    options.add("-Dcassandra.config=" + layout.cassandraYaml().toUri());
    options.add("-Dcassandra.storagedir=" + layout.workDirectory());
    options.add("-Dcassandra.logdir=" + layout.logs());
    options.add("-Dcassandra.jmx.local.port=" + jmxPort);
    options.add("-Dlogback.configurationFile=" + layout.logbackXml());
    // A single node has no peers to wait for; these waits only delay start-up.
    options.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    options.add("-Dcassandra.ring_delay_ms=1000");
    return ChildJvm.command(serverLib, options, DAEMON, List.of());
  }
}
