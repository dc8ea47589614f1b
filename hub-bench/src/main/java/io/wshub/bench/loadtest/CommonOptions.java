package io.wshub.bench.loadtest;

import picocli.CommandLine.Option;

/** Options every scenario takes. */
final class CommonOptions {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "ws://127.0.0.1:8080",
            description = "The server, loopback only; the scenario's path is added when the URL has none "
                    + "(default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "The server's process id: its CPU time and memory are read from /proc/PID.")
    Long serverPid;

    @Option(names = "--json", description = "Print the summary as one JSON object instead of a table.")
    boolean json;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long all connections may take to open (default: ${DEFAULT-VALUE}, at most 600).")
    double connectTimeoutSeconds;
}
