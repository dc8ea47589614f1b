package io.wshub.examples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;

/**
 * Configures the example servers' logging on logback (the library itself never configures
 * logging): the level, and one readable line or one JSON object per event on standard output.
 * The start-up lines ({@link #BANNER}) are logged whatever the level, so that even a quiet server
 * says where it listens. Jetty's own lines stay at WARN below TRACE: its DEBUG buries everything.
 */
public final class Logging {

    /** The logger of the start-up lines, logged at INFO whatever the level. */
    static final String BANNER = "io.wshub.examples.Banner";
    /** The text format: {@code 14:03:07.412 INFO  DefaultHub - session alice ... ended}. */
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    private Logging() {
    }

    /**
     * Sets the level and the format ({@code text} or {@code json}) of every logger. Without logback
     * as slf4j's provider (the tests log through slf4j-simple) only the level is set, as
     * slf4j-simple's property, which it reads when its first logger is made.
     */
    public static void configure(String level, String format) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            apply(context, level, format, System.out);
        } else {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        }
    }

    /**
     * Leaves out the hubs' INFO lines (sessions ending, shutting down) until the returned action
     * runs: for the warm-up's copy of the server, whose sessions are nobody's. Warnings still show.
     *
     * @return what puts the level back as it was
     */
    static Runnable quietHubs() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> { };
        }
        Logger hubs = context.getLogger("io.wshub.internal");
        Level before = hubs.getLevel();
        hubs.setLevel(Level.WARN);
        return () -> hubs.setLevel(before);
    }

    /** Configures this logback context afresh, writing to {@code out}. */
    static void apply(LoggerContext context, String level, String format, OutputStream out) {
        context.reset();
        Encoder<ILoggingEvent> encoder = "json".equals(format) ? json(context) : text(context);
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("stdout");
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        Level rootLevel = Level.toLevel(level, Level.INFO);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel);
        root.addAppender(appender);
        context.getLogger(BANNER).setLevel(Level.INFO);
        if (rootLevel.isGreaterOrEqual(Level.DEBUG)) {
            context.getLogger("org.eclipse.jetty").setLevel(rootLevel.isGreaterOrEqual(Level.WARN) ? rootLevel : Level.WARN);
        }
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }

    /** One JSON object per line: time, level, logger, thread, the formatted message, the throwable. */
    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
