package io.wshub.bench.loadtest;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Optional;

/** {@code loadtest conflation}: a feed of K keys into a conflating room, members reading and stalled. */
@Command(name = "conflation", mixinStandardHelpOptions = true, sortOptions = false,
        description = "On the room server (started with --room-policy 'ticker.*=conflate:symbol' --rate-limit 0): a "
                + "publisher sends R messages/s of K keys ({\"symbol\":\"kI\",\"price\":SEQ}) into one room, to N members "
                + "that read and S that stop reading once joined and read again after the window: deliveries/s, "
                + "who got the last value of every key, who was dropped, how much the stalled were spared.")
final class ConflationCommand extends ScenarioCommand {

    @Option(names = {"-n", "--subscribers"}, paramLabel = "N", defaultValue = "100",
            description = "Members that read all the time, 1..20000 (default: ${DEFAULT-VALUE}).")
    int readers;

    @Option(names = "--stalled", paramLabel = "S", defaultValue = "20",
            description = "Members that stop reading once joined, 0..20000 (default: ${DEFAULT-VALUE}).")
    int stalled;

    @Option(names = {"-k", "--keys"}, paramLabel = "K", defaultValue = "100",
            description = "Keys of the feed (symbols), 1..100000 (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = {"-r", "--rate"}, paramLabel = "R", defaultValue = "1000",
            description = "Messages per second, 1..100000 (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--room", paramLabel = "ROOM", defaultValue = "ticker.load",
            description = "The room, 1-64 of [A-Za-z0-9_.:-] (default: ${DEFAULT-VALUE}).")
    String room;

    @Mixin
    TimedOptions timed;

    @Option(names = "--drain", paramLabel = "SECONDS", defaultValue = "5",
            description = "After the window, how long to wait for the last values, at most 60 (default: ${DEFAULT-VALUE}).")
    double drainSeconds;

    @Override
    String defaultPath() {
        return "/ws";
    }

    @Override
    Scenario create(Target target, Optional<ProcessProbe> server, Duration connectTimeout) {
        Bounds.count("--subscribers", readers, 1, 20_000);
        Bounds.count("--stalled", stalled, 0, 20_000);
        Bounds.openFiles(readers + stalled + 1);
        if (!room.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw new IllegalArgumentException("--room must be 1-64 of [A-Za-z0-9_.:-], was '" + room + "'");
        }
        return new ConflationRun(new ConflationRun.Settings(target, readers, stalled,
                Bounds.count("--keys", keys, 1, 100_000),
                Bounds.count("--rate", rate, 1, 100_000),
                Bounds.count("--size", timed.messageSize, MessageStamp.LENGTH, 1 << 20),
                room,
                Bounds.seconds("--warmup", timed.warmupSeconds, 0, 60),
                Bounds.seconds("--duration", timed.durationSeconds, 0.1, 600),
                Bounds.seconds("--drain", drainSeconds, 0, 60),
                connectTimeout, server));
    }
}
