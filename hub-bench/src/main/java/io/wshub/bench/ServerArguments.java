package io.wshub.bench;

import java.time.Duration;

/**
 * The raw server's command line, {@code wshub-bench.jar raw-jetty [--host H] [--port P] [--idle-timeout SECONDS]}.
 *
 * @param host        where to listen; loopback by default, as a benchmark server should
 * @param port        the port; 8080 by default, 0 for an ephemeral one
 * @param idleTimeout how long a silent connection lives; long by default so that the idle
 *                    scenario measures memory rather than Jetty's 30 s default timeout
 * @param help        whether usage was asked for
 */
record ServerArguments(String host, int port, Duration idleTimeout, boolean help) {

    /** Its options, as the usage lines show them. */
    static final String OPTIONS = "[--host H] [--port P] [--idle-timeout SECONDS]";
    static final String USAGE = "usage: java -jar wshub-bench.jar " + BenchMain.RAW_JETTY + " " + OPTIONS;

    private static final int DEFAULT_PORT = 8080;
    private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException naming the bad argument
     */
    static ServerArguments parse(String... args) {
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            switch (name) {
                case "--help", "-h" -> {
                    return new ServerArguments(host, port, idleTimeout, true);
                }
                case "--host" -> host = value(args, ++i, name);
                case "--port" -> port = number(value(args, ++i, name), name, 0, 65_535);
                case "--idle-timeout" -> idleTimeout =
                        Duration.ofSeconds(number(value(args, ++i, name), name, 1, 86_400));
                default -> throw new IllegalArgumentException("unknown argument: " + name);
            }
        }
        return new ServerArguments(host, port, idleTimeout, false);
    }

    private static String value(String[] args, int index, String name) {
        if (index >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[index];
    }

    private static int number(String text, String name, int min, int max) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + text + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
