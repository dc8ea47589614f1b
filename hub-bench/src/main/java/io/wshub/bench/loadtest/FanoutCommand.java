package io.wshub.bench.loadtest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code loadtest fanout}: one publisher, N subscribers on the broadcast path. */
@Command(name = "fanout", mixinStandardHelpOptions = true, sortOptions = false,
        description = "N subscribers and one publisher on /broadcast; the publisher sends at R messages/s, "
                + "or with R = 0 as fast as the slowest subscriber keeps up (at most W ahead): "
                + "deliveries/s, delivery latency, messages lost, server CPU per delivery.")
class FanoutCommand extends ScenarioCommand {

    @Option(names = {"-n", "--subscribers"}, paramLabel = "N", defaultValue = "1000",
            description = "Subscribers, 1..20000 (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = {"-r", "--rate"}, paramLabel = "R", defaultValue = "0",
            description = "Messages per second, 0..100000; 0 paces on the slowest subscriber (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = {"-W", "--window"}, paramLabel = "W", defaultValue = "64",
            description = "With rate 0: messages the publisher may run ahead of the slowest subscriber, "
                    + "1..100000 (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--subscriber-url", paramLabel = "URL",
            description = "Put the subscribers on these servers in turn (repeat the option; default: --url). "
                    + "The publisher stays on --url, so with nodes of one cluster this measures cross-node fan-out.")
    List<String> subscriberUrls = new ArrayList<>();

    @Mixin
    TimedOptions timed;

    @Option(names = "--deflate",
            description = "Subscribers offer permessage-deflate, as browsers and Node ws do (the server decides).")
    boolean deflate;

    @Option(names = "--drain", paramLabel = "SECONDS", defaultValue = "5",
            description = "After the window, how long to wait for the last messages, at most 60 (default: ${DEFAULT-VALUE}).")
    double drainSeconds;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "With rate 0: how long one subscriber may hold the publisher up before it is given up on, "
                    + "1..60 (default: ${DEFAULT-VALUE}).")
    double stallTimeoutSeconds;

    @Override
    String defaultPath() {
        return "/broadcast";
    }

    /** The report's name. */
    String scenario() {
        return "fanout";
    }

    /** Subscribers that stop reading once connected: none in the plain fan-out. */
    int held() {
        return 0;
    }

    @Override
    Scenario create(Target target, Optional<ProcessProbe> server, Duration connectTimeout) {
        Bounds.count("--subscribers", subscribers, 1, 20_000);
        Bounds.openFiles(subscribers + held() + 1);
        List<Target> subscriberTargets = subscriberUrls.isEmpty() ? List.of(target)
                : subscriberUrls.stream().map(url -> Target.parse(url, defaultPath())).toList();
        return new FanoutRun(new FanoutRun.Settings(scenario(), target, subscriberTargets, subscribers, held(),
                Bounds.count("--size", timed.messageSize, MessageStamp.LENGTH, 1 << 20),
                Bounds.count("--rate", rate, 0, 100_000),
                Bounds.count("--window", window, 1, 100_000),
                Bounds.seconds("--warmup", timed.warmupSeconds, 0, 60),
                Bounds.seconds("--duration", timed.durationSeconds, 0.1, 600),
                Bounds.seconds("--drain", drainSeconds, 0, 60),
                Bounds.seconds("--stall-timeout", stallTimeoutSeconds, 1, 60),
                connectTimeout, server, deflate));
    }
}
