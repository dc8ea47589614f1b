package io.wshub.bench.loadtest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Optional;

/** {@code loadtest idle}: many quiet connections, and what they cost the server in memory. */
@Command(name = "idle", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Opens N connections and holds them for H seconds: the server's memory per connection, "
                + "from /proc/PID (with --server-pid) and its /health JSON.")
final class IdleCommand extends ScenarioCommand {

    /**
     * Linux hands out ephemeral ports 32768..60999 by default: about 28 000 per source address.
     * Staying below that leaves ports for everything else on the machine.
     */
    static final int DEFAULT_PER_ADDRESS = 25_000;

    @Option(names = {"-n", "--connections"}, paramLabel = "N", defaultValue = "1000",
            description = "Connections, 1..200000 (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = {"-H", "--hold"}, paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to hold them once open, at most 600 (default: ${DEFAULT-VALUE}).")
    double holdSeconds;

    @Option(names = "--per-address", paramLabel = "COUNT", defaultValue = "" + DEFAULT_PER_ADDRESS,
            description = "Connections per loopback source address (127.0.0.1, 127.0.0.2, ...), "
                    + "1..28000 (default: ${DEFAULT-VALUE}).")
    int perAddress;

    @Override
    String defaultPath() {
        return "/echo";
    }

    @Override
    Scenario create(Target target, Optional<ProcessProbe> server, Duration connectTimeout) {
        Bounds.count("--connections", connections, 1, 200_000);
        Bounds.count("--per-address", perAddress, 1, 28_000);
        Bounds.openFiles(connections);
        return new IdleRun(new IdleRun.Settings(target, connections,
                Bounds.seconds("--hold", holdSeconds, 0.1, 600), perAddress, connectTimeout, server));
    }
}
