package io.wshub.bench.loadtest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Optional;

/** {@code loadtest echo}: closed-loop round trips on the echo path. */
@Command(name = "echo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "C connections each send a message, wait for its echo and send the next, for D seconds: "
                + "round trips/s, round-trip latency, server CPU per round trip.")
final class EchoCommand extends ScenarioCommand {

    @Option(names = {"-c", "--connections"}, paramLabel = "C", defaultValue = "50",
            description = "Connections, 1..10000 (default: ${DEFAULT-VALUE}).")
    int connections;

    @Mixin
    TimedOptions timed;

    @Override
    String defaultPath() {
        return "/echo";
    }

    @Override
    Scenario create(Target target, Optional<ProcessProbe> server, Duration connectTimeout) {
        Bounds.count("--connections", connections, 1, 10_000);
        Bounds.openFiles(connections);
        return new EchoRun(new EchoRun.Settings(target, connections,
                Bounds.count("--size", timed.messageSize, MessageStamp.LENGTH, 1 << 20),
                Bounds.seconds("--warmup", timed.warmupSeconds, 0, 60),
                Bounds.seconds("--duration", timed.durationSeconds, 0.1, 600),
                connectTimeout, server));
    }
}
