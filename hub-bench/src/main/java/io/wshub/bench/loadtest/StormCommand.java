package io.wshub.bench.loadtest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code loadtest storm}: a reconnect storm after a server restart, as users caused it: thousands
 * of room clients retrying at a fixed interval with no jitter. The tool only reconnects; killing
 * and restarting the server is the caller's (hub-bench/storm.sh), told when by the stderr line
 * or the {@code --ready-file}.
 */
@Command(name = "storm", mixinStandardHelpOptions = true, sortOptions = false,
        description = "N room clients in R rooms on /ws; once all are connected and joined, restart the server: "
                + "every client whose connection ends retries exactly every --retry-ms, no jitter. From the outage "
                + "(half the clients lost) until all are back or --duration runs out: time until all back, "
                + "refusals, closes by code, messages, the restarted server's CPU and peak memory. "
                + "Exit 0 when all came back, 3 when not.")
final class StormCommand extends ScenarioCommand {

    @Option(names = {"-n", "--clients"}, paramLabel = "N", defaultValue = "2500",
            description = "Room clients, 1..20000 (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rooms", paramLabel = "R", defaultValue = "100",
            description = "Rooms the clients are spread over (storm-0, storm-1, ...), 1..N (default: ${DEFAULT-VALUE}).")
    int rooms;

    @Option(names = "--retry-ms", paramLabel = "MS", defaultValue = "100",
            description = "Fixed reconnect interval after any end of a connection or failed attempt, no jitter, "
                    + "1..60000 (default: ${DEFAULT-VALUE}).")
    int retryMs;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", defaultValue = "120",
            description = "How long the whole run may take, connecting included, 1..600 (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "2",
            description = "How long all must stay connected before the baseline is declared, 0..60 "
                    + "(default: ${DEFAULT-VALUE}).")
    double settleSeconds;

    @Option(names = "--attempt-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long one attempt's upgrade may take, waiting in the client's queue included, "
                    + "before it counts as failed and is retried, 0.1..120 (default: ${DEFAULT-VALUE}).")
    double attemptTimeoutSeconds;

    @Option(names = "--handshakes", paramLabel = "COUNT", defaultValue = "" + Scenarios.CONNECT_CONCURRENCY,
            description = "Upgrades in flight per source address; more attempts wait in the client's queue, "
                    + "1..4096 (default: ${DEFAULT-VALUE}).")
    int handshakes;

    @Option(names = "--per-address", paramLabel = "COUNT", defaultValue = "" + IdleCommand.DEFAULT_PER_ADDRESS,
            description = "Clients per loopback source address (127.0.0.1, 127.0.0.2, ...), 1..28000 "
                    + "(default: ${DEFAULT-VALUE}).")
    int perAddress;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Create this file when all clients are connected (it must not exist yet), "
                    + "for a script that waits to restart the server.")
    Path readyFile;

    @Option(names = "--server-pid-file", paramLabel = "FILE",
            description = "A file holding the server's pid, read again every 100 ms: after a restart the new "
                    + "process is measured. Without --server-pid, the pid is first read from it.")
    Path serverPidFile;

    @Override
    String defaultPath() {
        return "/ws";
    }

    @Override
    Scenario create(Target target, Optional<ProcessProbe> server, Duration connectTimeout) {
        Bounds.count("--clients", clients, 1, 20_000);
        Bounds.count("--rooms", rooms, 1, clients);
        Bounds.count("--retry-ms", retryMs, 1, 60_000);
        Bounds.count("--handshakes", handshakes, 1, 4096);
        Bounds.count("--per-address", perAddress, 1, 28_000);
        Bounds.openFiles(clients);
        Duration duration = Bounds.seconds("--duration", durationSeconds, 1, 600);
        Duration settle = Bounds.seconds("--settle", settleSeconds, 0, 60);
        Duration attemptTimeout = Bounds.seconds("--attempt-timeout", attemptTimeoutSeconds, 0.1, 120);
        if (readyFile != null) {
            checkReadyFile(readyFile);
        }
        Optional<ProcessProbe> measured = server;
        if (serverPidFile != null && measured.isEmpty()) {
            OptionalLong pid = StormServerWatch.readPid(serverPidFile);
            if (pid.isEmpty()) {
                throw new IllegalArgumentException("--server-pid-file " + serverPidFile + " holds no pid");
            }
            measured = Optional.of(ProcessProbe.of(pid.getAsLong()));
        }
        return new StormRun(new StormRun.Settings(target, clients, rooms, Duration.ofMillis(retryMs), duration, settle,
                attemptTimeout, handshakes, perAddress, connectTimeout, measured,
                Optional.ofNullable(serverPidFile), Optional.ofNullable(readyFile)));
    }

    /** A ready file left from an earlier run would let a waiting script go on at once. */
    static void checkReadyFile(Path file) {
        if (Files.exists(file)) {
            throw new IllegalArgumentException("--ready-file " + file + " exists already; remove it first");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--ready-file " + file + ": no such directory " + parent);
        }
    }
}
