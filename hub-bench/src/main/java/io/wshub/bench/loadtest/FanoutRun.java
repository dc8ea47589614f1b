package io.wshub.bench.loadtest;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fan-out scenario: N subscribers and one publisher on a broadcast endpoint. The publisher
 * sends S-byte messages at R per second, or with R = 0 as fast as the slowest subscriber keeps up
 * (at most W messages ahead of it), for D seconds after a warm-up. Every message carries its
 * number and send time, so each subscriber measures delivery latency and counts what it lost.
 *
 * <p>The overload scenario is the same with H more subscribers that stop reading once connected
 * ({@link HeldSubscriber}): the healthy ones measure what a server does to those that read as fast
 * as they can when others stall, and the held ones, reading again after the window, tell whether
 * the server dropped them.
 */
final class FanoutRun implements Scenario {

    /**
     * What to run.
     *
     * @param target         the publisher's broadcast URL
     * @param subscriberTargets the subscribers' broadcast URLs, used in turn
     * @param scenario       the report's name: fanout, or overload with held subscribers
     * @param subscribers    how many connections receive and read all the time
     * @param held           how many more receive but stop reading once connected
     * @param messageSize    bytes per message
     * @param ratePerSecond  messages per second, or 0 to pace on the slowest subscriber
     * @param window         with rate 0: how far the publisher may run ahead of the slowest subscriber
     * @param warmup         time before measuring
     * @param duration       the measured window
     * @param drain          how long to wait after the window for the last messages to arrive
     * @param stallTimeout   with rate 0: how long a subscriber may hold the publisher up before it is given up on
     * @param connectTimeout how long all connections may take to open
     * @param server         the server process, when its pid is known
     * @param deflate        whether the subscribers offer permessage-deflate
     */
    record Settings(String scenario, Target target, List<Target> subscriberTargets, int subscribers, int held,
                    int messageSize, int ratePerSecond, int window, Duration warmup,
                    Duration duration, Duration drain, Duration stallTimeout, Duration connectTimeout,
                    Optional<ProcessProbe> server, boolean deflate) {
    }

    /** How often the drain checks whether the last message has reached everyone. */
    private static final long DRAIN_POLL_MILLIS = 10;

    private final Settings settings;
    private final ErrorCounts errors = new ErrorCounts();
    private final LatencyRecorder latency = new LatencyRecorder();
    private final LongAdder deliveries = new LongAdder();
    private final ScenarioClock clock;
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final List<HeldSubscriber> held = new ArrayList<>();
    private final WindowGate gate;
    private final Publisher publisher;

    FanoutRun(Settings settings) {
        this.settings = settings;
        this.clock = new ScenarioClock(settings.warmup(), settings.duration());
        for (int i = 0; i < settings.subscribers(); i++) {
            subscribers.add(new Subscriber(this, errors));
        }
        for (int i = 0; i < settings.held(); i++) {
            held.add(new HeldSubscriber(errors));
        }
        this.gate = new WindowGate(subscribers, settings.window(), settings.stallTimeout().toNanos());
        this.publisher = new Publisher(errors, clock, gate, settings.messageSize(), settings.ratePerSecond());
    }

    @Override
    public Report run(PrintWriter err) throws Exception {
        ServerMonitor monitor = new ServerMonitor(settings.server());
        long measuredDeliveries;
        Percentiles percentiles;
        int connected;
        try (JettyClients jetty = JettyClients.single(Scenarios.CLIENT_IDLE_TIMEOUT)) {
            Connector connector = new Connector(jetty, settings.subscriberTargets().stream().map(Target::uri).toList(),
                    Scenarios.CONNECT_CONCURRENCY, errors).offeringDeflate(settings.deflate());
            RateTicker sentRate = new RateTicker(publisher::sent);
            RateTicker deliveryRate = new RateTicker(deliveries::sum);
            try (ProgressPrinter progress = new ProgressPrinter(err, () -> String.format(Locale.ROOT,
                    "%-7s | subscribers %d/%d | sent %d (%.0f/s) | deliveries %d (%.0f/s) | p99 %.3f ms | gaps %d | errors %d | %s",
                    clock.phase(), connector.connected(), settings.subscribers(), publisher.sent(), sentRate.perSecond(),
                    deliveries.sum(), deliveryRate.perSecond(), Percentiles.millis(latency.interval().p99()), gaps(),
                    errors.total(), monitor.progress()))) {
                connected = connector.connectAll(subscribers, settings.connectTimeout());
                RunFailed.unlessConnected(connected, errors);
                connector.connectAll(held, settings.connectTimeout());
                RunFailed.unlessConnected(new Connector(jetty, settings.target().uri(), 1, errors)
                        .connectAll(List.of(publisher), settings.connectTimeout()), errors);
                clock.start();
                Thread publishing = new Thread(publisher::publish, "loadtest-publisher");
                publishing.setDaemon(true); // it ends with the window; should it not, it must not keep the JVM up
                publishing.start();
                clock.awaitMeasureStart();
                long before = deliveries.sum();
                monitor.startWindow();
                clock.awaitEnd();
                monitor.stopWindow();
                measuredDeliveries = deliveries.sum() - before;
                // The publisher stops at the end by itself; a send blocked in Jetty cannot hold it for long.
                publishing.join(settings.drain().toMillis() + TimeUnit.SECONDS.toMillis(1));
                awaitDrained(publisher.sent() - 1);
                percentiles = latency.total();
                held.forEach(LoadConnection::resumeReading);
                awaitHeld(publisher.sent() - 1);
            }
            List<LoadConnection> all = new ArrayList<>(subscribers);
            all.add(publisher);
            long dropped = subscribers.stream().filter(s -> !s.isOpen()).count(); // before the tool closes them
            long heldOpen = held.stream().filter(LoadConnection::isOpen).count();
            all.addAll(held);
            Scenarios.closeAll(all);
            return report(connected, measuredDeliveries, percentiles, monitor, dropped, heldOpen);
        }
    }

    private Report report(int connected, long measuredDeliveries, Percentiles percentiles, ServerMonitor monitor,
                          long dropped, long heldOpen) {
        List<SequenceTracker> trackers = subscribers.stream().map(Subscriber::tracker).toList();
        LossTally loss = LossTally.of(trackers, publisher.measuredSent());
        long window = monitor.windowNanos();
        Report report = Report.of(settings.scenario(), settings.target())
                .add("subscribers", "subscribers", connected)
                .add("subscriberUrls", "subscriber URLs", settings.subscriberTargets().stream()
                        .map(t -> t.uri().toString()).collect(java.util.stream.Collectors.joining(" ")))
                .add("subscribersRequested", "subscribers requested", settings.subscribers())
                .add("messageBytes", "message size (bytes)", settings.messageSize())
                .add("rate", "publisher rate", settings.ratePerSecond() > 0 ? settings.ratePerSecond() + "/s"
                        : "as fast as the slowest subscriber (window " + settings.window() + ")")
                .add("warmupSeconds", "warm-up (s)", settings.warmup().toMillis() / 1000.0, 1)
                .add("measuredSeconds", "measured (s)", window / 1e9, 2)
                .add("messagesSent", "messages sent (measured)", publisher.measuredSent())
                .add("messagesPerSecond", "messages/s", Rates.perSecond(publisher.measuredSent(), window), 1)
                .add("deliveries", "deliveries", measuredDeliveries)
                .add("deliveriesPerSecond", "deliveries/s", Rates.perSecond(measuredDeliveries, window), 0)
                .add("bytesPerSecond", "bytes/s delivered",
                        Rates.perSecond(measuredDeliveries * settings.messageSize(), window), 0);
        monitor.addCostTo(report, measuredDeliveries, "deliveries");
        report.latency("latency", "delivery", percentiles)
                .add("expected", "deliveries expected", loss.expected())
                .add("lost", "messages lost", loss.lost())
                .add("lostPercent", "messages lost (%)", loss.lostPercent(), 3)
                .add("outOfOrder", "out of order or duplicated", loss.outOfOrder())
                .add("stalledSubscribers", "subscribers given up on (stalled)", gate.stalled())
                .add("subscribersDropped", "subscribers the server dropped", dropped);
        if (settings.held() > 0) {
            report.add("held", "held subscribers (stopped reading)", settings.held())
                    .add("heldDropped", "held subscribers the server dropped", settings.held() - heldOpen)
                    .add("heldReceived", "messages the held received once reading again",
                            held.stream().mapToLong(HeldSubscriber::receivedCount).sum());
        }
        monitor.addMemoryTo(report);
        errors.addTo(report);
        return report;
    }

    @Override
    public boolean complete() {
        return errors.connectFailures() == 0;
    }

    /** A subscriber received message {@code seq} in order, {@code nanos} after it was sent. */
    void delivered(long nanos, boolean measured, long previous, long seq) {
        deliveries.increment();
        latency.record(nanos, measured);
        gate.advanced(previous, seq);
    }

    private long gaps() {
        long gaps = 0;
        for (Subscriber subscriber : subscribers) {
            gaps += subscriber.tracker().skipped();
        }
        return gaps;
    }

    /**
     * Waits, at most the drain time, until every held subscriber reading again has the last message
     * or was dropped.
     */
    private void awaitHeld(long lastSeq) throws InterruptedException {
        long deadline = System.nanoTime() + settings.drain().toNanos();
        while (System.nanoTime() - deadline < 0
                && held.stream().anyMatch(h -> h.isOpen() && h.lastSeq() < lastSeq)) {
            TimeUnit.MILLISECONDS.sleep(DRAIN_POLL_MILLIS);
        }
    }

    /** Waits, at most the drain time, until every subscriber still open has the last message. */
    private void awaitDrained(long lastSeq) throws InterruptedException {
        long deadline = System.nanoTime() + settings.drain().toNanos();
        while (System.nanoTime() - deadline < 0) {
            boolean drained = true;
            for (Subscriber subscriber : subscribers) {
                if (subscriber.isPacing() && subscriber.lastSeq() < lastSeq) {
                    drained = false;
                    break;
                }
            }
            if (drained) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(DRAIN_POLL_MILLIS);
        }
    }
}
