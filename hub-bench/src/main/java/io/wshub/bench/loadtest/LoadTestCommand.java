package io.wshub.bench.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code loadtest <echo|fanout|idle|storm> [options]}: loads a WebSocket server on this machine and
 * measures it. A progress line goes to stderr every second and a summary to stdout at the end, as
 * a table or, with {@code --json}, as one JSON object. Every run is bounded in connections and
 * time, and only loopback servers are accepted.
 *
 * <p>Exit codes: 0 done, 2 bad options, 3 done but not every connection opened, 1 failed.
 *
 * <pre>{@code
 * java -jar wshub-bench.jar loadtest echo --url ws://127.0.0.1:8080 -c 50 -d 10
 * java -jar wshub-bench.jar loadtest fanout -n 1000 -r 0 -W 64 --server-pid 1234
 * java -jar wshub-bench.jar loadtest idle -n 15000 -H 30 --server-pid 1234
 * java -jar wshub-bench.jar loadtest storm -n 2500 --rooms 100 --retry-ms 100 --server-pid-file server.pid
 * }</pre>
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Loads a WebSocket server on this machine (loopback only) and measures it.",
        subcommands = {EchoCommand.class, FanoutCommand.class, OverloadCommand.class, ConflationCommand.class,
                IdleCommand.class, StormCommand.class})
public final class LoadTestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a scenario: prints the usage and fails. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** Runs the load tool on its own: {@code java -cp wshub-bench.jar io.wshub.bench.loadtest.LoadTestCommand echo …}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadTestCommand()).execute(args));
    }
}
