package io.wshub.bench.loadtest;

import picocli.CommandLine.Option;

/** Options of the scenarios that send for a measured window. */
final class TimedOptions {

    @Option(names = {"-s", "--size"}, paramLabel = "BYTES", defaultValue = "64",
            description = "Bytes per message, " + MessageStamp.LENGTH + " to 1048576 (default: ${DEFAULT-VALUE}).")
    int messageSize;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "The measured window, at most 600 s (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = {"-w", "--warmup"}, paramLabel = "SECONDS", defaultValue = "2",
            description = "Load before measuring, at most 60 s (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;
}
