package io.wshub.bench.loadtest;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The conflation scenario, on the room server: a publisher sends a feed of K keys (a price per
 * symbol) at R messages per second into one room, to N members that read all the time and S that
 * stop reading once they have joined and read again after the window. The room is meant to
 * conflate by {@code symbol} (the server started with {@code --room-policy 'ticker.*=conflate:symbol'}):
 * then the stalled members are not dropped, receive far fewer messages than were sent, and still end
 * with the last price of every key.
 */
final class ConflationRun implements Scenario {

    /**
     * What to run.
     *
     * @param target         the room server's URL
     * @param readers        members that read all the time
     * @param held           members that stop reading once joined
     * @param keys           how many keys the feed has
     * @param ratePerSecond  messages per second
     * @param messageSize    bytes per message (padded up to it)
     * @param room           the room
     * @param warmup         time before measuring
     * @param duration       the measured window
     * @param drain          how long to wait after the window for the latest values to arrive
     * @param connectTimeout how long all connections may take to open and join
     * @param server         the server process, when its pid is known
     */
    record Settings(Target target, int readers, int held, int keys, int ratePerSecond, int messageSize, String room,
                    Duration warmup, Duration duration, Duration drain, Duration connectTimeout,
                    Optional<ProcessProbe> server) {
    }

    private static final long POLL_MILLIS = 10;

    private final Settings settings;
    private final ErrorCounts errors = new ErrorCounts();
    private final ScenarioClock clock;
    private final CountDownLatch joined;
    private final List<RoomReader> readers = new ArrayList<>();
    private final List<RoomReader> held = new ArrayList<>();
    private final RoomReader publisher;
    /** The last price sent of each key; written by the publishing thread, read after it ended. */
    private final long[] lastSent;
    // Written by the publishing thread only.
    private volatile long sent;
    private volatile long measuredSent;

    ConflationRun(Settings settings) {
        this.settings = settings;
        this.clock = new ScenarioClock(settings.warmup(), settings.duration());
        this.joined = new CountDownLatch(settings.readers() + settings.held() + 1);
        for (int i = 0; i < settings.readers(); i++) {
            readers.add(new RoomReader(errors, settings.room(), settings.keys(), joined, false));
        }
        for (int i = 0; i < settings.held(); i++) {
            held.add(new RoomReader(errors, settings.room(), settings.keys(), joined, true));
        }
        this.publisher = new RoomReader(errors, settings.room(), settings.keys(), joined, false);
        this.lastSent = new long[settings.keys()];
        Arrays.fill(lastSent, -1);
    }

    @Override
    public Report run(PrintWriter err) throws Exception {
        ServerMonitor monitor = new ServerMonitor(settings.server());
        int connected;
        long measuredReceived;
        try (JettyClients jetty = JettyClients.single(Scenarios.CLIENT_IDLE_TIMEOUT)) {
            Connector connector = new Connector(jetty, settings.target().uri(), Scenarios.CONNECT_CONCURRENCY, errors);
            RateTicker sentRate = new RateTicker(() -> sent);
            try (ProgressPrinter progress = new ProgressPrinter(err, () -> String.format(Locale.ROOT,
                    "%-7s | connections %d/%d | sent %d (%.0f/s) | received %d | errors %d | %s", clock.phase(),
                    connector.connected(), settings.readers() + settings.held() + 1, sent, sentRate.perSecond(),
                    received(readers), errors.total(), monitor.progress()))) {
                connected = connector.connectAll(readers, settings.connectTimeout());
                RunFailed.unlessConnected(connected, errors);
                connector.connectAll(held, settings.connectTimeout());
                RunFailed.unlessConnected(connector.connectAll(List.of(publisher), settings.connectTimeout()), errors);
                if (!joined.await(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new RunFailed(joined.getCount() + " members did not join " + settings.room()
                            + "; first error: " + errors.firstError());
                }
                clock.start();
                Thread publishing = new Thread(this::publish, "loadtest-feed");
                publishing.setDaemon(true); // it ends with the window; should it not, it must not keep the JVM up
                publishing.start();
                clock.awaitMeasureStart();
                long before = received(readers);
                monitor.startWindow();
                clock.awaitEnd();
                monitor.stopWindow();
                measuredReceived = received(readers) - before;
                publishing.join(settings.drain().toMillis() + TimeUnit.SECONDS.toMillis(1));
                awaitLatest(readers);
                held.forEach(LoadConnection::resumeReading);
                awaitLatest(held);
            }
            long readersDropped = readers.stream().filter(r -> !r.isOpen()).count(); // before the tool closes them
            long heldDropped = held.stream().filter(r -> !r.isOpen()).count();
            List<LoadConnection> all = new ArrayList<>(readers);
            all.addAll(held);
            all.add(publisher);
            Scenarios.closeAll(all);
            return report(connected, measuredReceived, readersDropped, heldDropped, monitor);
        }
    }

    private Report report(int connected, long measuredReceived, long readersDropped, long heldDropped,
                          ServerMonitor monitor) {
        long window = monitor.windowNanos();
        long heldReceived = received(held);
        Report report = Report.of("conflation", settings.target())
                .add("readers", "members reading", connected)
                .add("held", "members held (stopped reading once joined)", settings.held())
                .add("keys", "keys", settings.keys())
                .add("room", "room", settings.room())
                .add("rate", "publisher rate", settings.ratePerSecond() + "/s")
                .add("measuredSeconds", "measured (s)", window / 1e9, 2)
                .add("messagesSent", "messages sent", sent)
                .add("messagesPerSecond", "messages/s", Rates.perSecond(measuredSent, window), 1)
                .add("deliveriesPerSecond", "deliveries/s to the members reading", Rates.perSecond(measuredReceived, window), 0);
        monitor.addCostTo(report, measuredReceived, "deliveries");
        report.add("readersReceived", "messages the members reading received", received(readers))
                .add("readersDropped", "members reading the server dropped", readersDropped)
                .add("readersWithEveryLatest", "members reading that got the last value of every key", withEveryLatest(readers))
                .add("heldDropped", "held members the server dropped", heldDropped)
                .add("heldReceived", "messages the held received once reading again", heldReceived)
                .add("heldWithEveryLatest", "held members that got the last value of every key", withEveryLatest(held))
                .add("heldConflatedPercent", "of what was sent, what the held did not receive (%)",
                        settings.held() == 0 || sent == 0 ? 0 : 100.0 * (1 - (double) heldReceived / (sent * settings.held())), 1);
        monitor.addMemoryTo(report);
        errors.addTo(report);
        return report;
    }

    @Override
    public boolean complete() {
        return errors.connectFailures() == 0;
    }

    /** Sends the feed at the steady rate until the window ends; on its own thread. */
    private void publish() {
        long start = System.nanoTime();
        for (long seq = 0; publisher.isOpen(); ) {
            long due = start + (long) (seq * 1e9 / settings.ratePerSecond());
            if (clock.isOver(due)) {
                return;
            }
            long now = System.nanoTime();
            if (due - now > 0) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            int key = (int) (seq % settings.keys());
            String head = "{\"type\":\"room_message\",\"room\":\"" + settings.room() + "\",\"symbol\":\"k" + key
                    + "\",\"price\":" + seq + ",\"pad\":\"";
            publisher.sendText(head + "x".repeat(Math.max(0, settings.messageSize() - head.length() - 2)) + "\"}");
            lastSent[key] = seq;
            if (clock.isMeasuring(due)) {
                measuredSent++;
            }
            sent = ++seq;
        }
    }

    /** Waits, at most the drain time, until every member still open has the last value of every key. */
    private void awaitLatest(List<RoomReader> members) throws InterruptedException {
        long deadline = System.nanoTime() + settings.drain().toNanos();
        while (System.nanoTime() - deadline < 0
                && members.stream().anyMatch(m -> m.isOpen() && !m.hasEveryLatest(lastSent))) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    private long withEveryLatest(List<RoomReader> members) {
        return members.stream().filter(m -> m.hasEveryLatest(lastSent)).count();
    }

    private static long received(List<RoomReader> members) {
        long n = 0;
        for (RoomReader m : members) {
            n += m.receivedCount();
        }
        return n;
    }
}
