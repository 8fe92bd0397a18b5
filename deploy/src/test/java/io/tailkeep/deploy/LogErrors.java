package io.tailkeep.deploy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/**
 * Errors logged while a test runs, through SLF4J (Tailkeep, Vert.x, the Cassandra driver) or
 * java.util.logging (gRPC): an uncaught exception on any thread ends up as one of these.
 */
final class LogErrors implements AutoCloseable {

  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
        errors.add(event.getLoggerName() + ": " + event.getFormattedMessage()
            + (event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getClassName() + ")"));
      }
    }
  };
  private final Handler julHandler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
        errors.add(record.getLoggerName() + ": " + record.getMessage()
            + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")"));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogErrors() {}

  static LogErrors capture() {
    LogErrors capture = new LogErrors();
    capture.appender.setContext(root().getLoggerContext());
    capture.appender.start();
    root().addAppender(capture.appender);
    java.util.logging.Logger.getLogger("").addHandler(capture.julHandler);
    return capture;
  }

  List<String> errors() {
    return List.copyOf(errors);
  }

  @Override
  public void close() {
    root().detachAppender(appender);
    appender.stop();
    java.util.logging.Logger.getLogger("").removeHandler(julHandler);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
