package io.vigil.jobs.understand;

import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything logged while open, as text: an appender on the root logger (INFO in these tests), and
 * any named loggers lowered to INFO meanwhile; levels are put back on close. (The command line's
 * tests have their own copy: test classes do not cross modules here.)
 */
final class LogCapture implements AutoCloseable {
    private final StringWriter text = new StringWriter();
    private final WriterAppender appender;
    private final Map<String, Level> before = new LinkedHashMap<>();

    LogCapture(String... atInfo) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        appender =
                WriterAppender.newBuilder()
                        .setName("capture-" + UUID.randomUUID())
                        .setTarget(text)
                        .setLayout(
                                PatternLayout.newBuilder()
                                        .withPattern("%-5level %c{1}: %msg%n%throwable")
                                        .build())
                        .build();
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        for (String name : atInfo) {
            before.put(name, config.getLoggerConfig(name).getLevel());
            Configurator.setLevel(name, Level.INFO);
        }
        ctx.updateLoggers();
    }

    /** What was logged so far. */
    String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        before.forEach(Configurator::setLevel);
        ctx.updateLoggers();
        appender.stop();
    }
}
