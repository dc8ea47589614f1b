package io.wshub.bench.loadtest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadtest overload}: the fan-out with stalled subscribers mixed in. Run it above what the
 * server can write ({@code -r 2000 -n 1000 --stalled 200}): a server that handles overload well
 * drops none of the subscribers that read as fast as they can, bounds its memory, and deals with the
 * stalled ones by its policy.
 */
@Command(name = "overload", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The fanout scenario with S more subscribers that stop reading once connected (and read "
                + "again after the window): what the server does to the healthy ones (lost, dropped, latency) when "
                + "others stall or the offered rate is above what it can write, and whether it dropped the stalled.")
final class OverloadCommand extends FanoutCommand {

    @Option(names = "--stalled", paramLabel = "S", defaultValue = "200",
            description = "Subscribers that stop reading, 0..20000 (default: ${DEFAULT-VALUE}).")
    int stalled;

    @Override
    String scenario() {
        return "overload";
    }

    @Override
    int held() {
        return Bounds.count("--stalled", stalled, 0, 20_000);
    }
}
