package io.tailkeep.deploy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.tailkeep.deploy.config.TailkeepConfig;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** Applies the config's logging section: reloads logback.xml with the chosen format and level. */
final class LogSetup {

  private LogSetup() {}

  static void apply(TailkeepConfig.Logging logging) {
    System.setProperty("tailkeep.log.format", logging.format());
    System.setProperty("tailkeep.log.level", logging.level());
    URL file = LogSetup.class.getResource("/logback.xml");
    if (file == null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J backend (or none) is in charge
    }
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(file);
    } catch (JoranException e) {
      // Our own file on our own classpath: a failure here is a packaging bug, worth a loud stop.
      throw new IllegalStateException("logback.xml could not be loaded", e);
    }
  }
}
