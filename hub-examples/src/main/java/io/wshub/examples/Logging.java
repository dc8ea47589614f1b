package io.wshub.examples;

/**
 * Configures slf4j-simple for the examples (the library itself never configures logging). The
 * one-line format lives in {@code simplelogger.properties}; only the level is set here, before the
 * first logger is created.
 */
final class Logging {

    private static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Logging() {
    }

    /** Sets the level of every logger; must run before any logger exists to take effect. */
    static void configure(String level) {
        System.setProperty(DEFAULT_LEVEL, level);
    }
}
