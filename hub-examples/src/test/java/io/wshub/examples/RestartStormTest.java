package io.wshub.examples;

import io.wshub.ErrorKind;
import io.wshub.Hub;
import io.wshub.HubStats;
import io.wshub.examples.RoomClientFleet.Phase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The restart storm that broke the room server: 2 000 room clients in 100 rooms, retrying every
 * 100 ms without jitter, all reconnecting at once to a room server that was killed and started
 * again on the same port. The new server must stay healthy (its {@code /health} and a fresh
 * client answered within seconds throughout), take every client back into its room, close none of
 * them, deadlock nowhere, let no exception escape or be logged as an error, count no internal
 * error, and still shut down gracefully within its grace period.
 *
 * <p>Everything runs in this JVM: the servers are the examples' own ({@link HubServer}, default
 * settings), the clients share one {@code JettyClientTransport}. See {@link RoomClientFleet},
 * {@link StormWatchdog}, {@link HubFailureCapture} and {@link CrashableRoomServer}.
 */
@Tag("storm")
class RestartStormTest {

    private static final int CLIENTS = 2_000;
    private static final int ROOMS = 100;
    /** For the first server to take every client in. */
    private static final Duration ALL_IN = Duration.ofSeconds(40);
    /** For every client to be back in its room on the new server. */
    private static final Duration ALL_BACK = Duration.ofSeconds(45);
    /** How long every client must then stay there, the watchdog still watching. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    /** Beyond the grace period, how long the graceful shutdown may take (dropping, Jetty's stop). */
    private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(5);

    private final StormFindings findings = new StormFindings();
    private Set<Thread> threadsBefore;
    private HubFailureCapture capture;
    private CrashableRoomServer first;
    private CrashableRoomServer restarted;
    private RoomClientFleet fleet;
    private StormWatchdog watchdog;

    @BeforeEach
    void captureFailures() {
        threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
        capture = HubFailureCapture.install(findings);
    }

    /** Whatever happened: the watchdog, the clients, both servers (bounded), then the capture, each on its own. */
    @AfterEach
    void cleanUp() throws Exception {
        Exception failure = null;
        for (AutoCloseable part : new AutoCloseable[] {watchdog, fleet, restarted, first, capture}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS) // above the sum of the bounded waits: they fail first
    void twoThousandClientsRetryingEvery100msWithoutJitterAreAllServedAgainByARestartedRoomServer() throws Exception {
        // 1. A room server and 2 000 clients, 20 in each of 100 rooms.
        first = CrashableRoomServer.start("the killed server", 0);
        int port = first.port();
        fleet = new RoomClientFleet(findings);
        Duration allIn = fleet.connect(first.ws(), CLIENTS, ROOMS, ALL_IN);
        assertReached("every client in its room on the first server", allIn, ALL_IN);

        // 2. Kill it (a crash: sockets closed, no close frame, no notice) and start a new one on the same port at once.
        fleet.phase(Phase.STORM);
        long crashed = System.nanoTime();
        first.crash();
        restarted = CrashableRoomServer.start("the restarted server", port);
        Duration downFor = Duration.ofNanos(System.nanoTime() - crashed);

        // 3. The clients storm back while the watchdog watches the new server; then they must stay.
        watchdog = StormWatchdog.start(restarted.health(), restarted.ws(), findings, this::ownerOf);
        Duration allBack = fleet.awaitAll(RoomClientFleet::isBack, ALL_BACK, RoomClientFleet.AFTER_PROBLEM);
        if (allBack != null) {
            fleet.staysFor(RoomClientFleet::isBack, SETTLE);
        }
        watchdog.close();

        // 4. Every client back, and nothing wrong inside the new server (nor left of the old one).
        checkRemainsStopped();
        checkNoDeadlock();
        checkHubCounters(restarted.hub());
        checkRooms(restarted.hub());
        System.out.printf("restart storm: all in after %s, server down for %s, all back after %s%n%s%n",
                allIn, downFor, allBack, report());
        assertReached("every client back in its room on the restarted server", allBack, ALL_BACK);

        // 5. A graceful shutdown (as on SIGTERM) ends within its grace period, then nothing of ours is left running.
        fleet.phase(Phase.SHUTDOWN);
        Duration graceBound = restarted.shutdownGrace().plus(SHUTDOWN_MARGIN);
        Duration stopped = restarted.stopGracefully(graceBound);
        System.out.printf("restart storm: graceful shutdown took %s (bound %s)%n", stopped, graceBound);
        assertReached("a graceful shutdown of the restarted server", stopped, graceBound);
        fleet.close();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(threadsLeftRunning()).as("threads of the servers and clients").isEmpty());
        assertReached("closing every client", Duration.ZERO, Duration.ZERO);
    }

    /** What was left of the killed server stopped: its hub lost no session and no thread of it hangs. */
    private void checkRemainsStopped() throws Exception {
        Duration bound = first.shutdownGrace().plus(SHUTDOWN_MARGIN);
        if (first.awaitStopped(bound) == null) {
            findings.problem("the killed server's remains did not stop", "within " + bound + " of the crash");
        }
    }

    private void checkNoDeadlock() {
        String deadlocks = StormWatchdog.deadlocks(this::ownerOf);
        if (deadlocks != null && findings.count("deadlock") == 0) {
            findings.problem("deadlock", deadlocks);
        }
    }

    /**
     * The hub counts no error of its own, none of a client's, and closed no client as a slow
     * consumer. Transport errors are left out: a client that gives up on a slow upgrade (its
     * handshake timeout) resets its socket, which the server's transport reports.
     */
    private void checkHubCounters(Hub hub) {
        HubStats stats = hub.stats();
        for (ErrorKind kind : ErrorKind.values()) {
            if (kind != ErrorKind.TRANSPORT && stats.errors(kind) > 0) {
                findings.problem("hub error counter", kind + " = " + stats.errors(kind));
            }
        }
        if (stats.slowConsumerDisconnects() > 0) {
            findings.problem("hub closed slow consumers", stats.slowConsumerDisconnects() + " sessions");
        }
    }

    /** Each room holds exactly its clients again. */
    private void checkRooms(Hub hub) {
        for (int k = 0; k < ROOMS; k++) {
            int members = hub.rooms().localMembers("r-" + k).size();
            if (members != CLIENTS / ROOMS) {
                findings.problem("room membership", "r-" + k + " has " + members + " members, not " + CLIENTS / ROOMS);
            }
        }
    }

    /** Fails when a wait ran out ({@code took} is null) or anything went wrong so far, with everything observed. */
    private void assertReached(String what, Duration took, Duration bound) {
        if (took == null || findings.any()) {
            String outcome = took != null ? "in " + took + ", but with problems"
                    : findings.any() ? "gave up waiting " + RoomClientFleet.AFTER_PROBLEM.toSeconds() + " s after the first problem"
                    : "not within " + bound;
            throw new AssertionError(String.format("%s: %s%n%s%n%s", what, outcome, findings.summary(), report()));
        }
    }

    /** What was observed, for the log and every failure message. */
    private String report() {
        Hub hub = restarted == null ? null : restarted.hub();
        StringBuilder b = new StringBuilder();
        b.append(String.format("  at %.1f s; %s%n", findings.elapsedSeconds(), fleet == null ? "no clients" : fleet.status()));
        if (watchdog != null) {
            b.append("  watchdog: ").append(watchdog.summary()).append(System.lineSeparator());
        }
        b.append("  threads: ").append(first == null ? "" : first.name() + " " + first.threadPrefixes())
                .append(restarted == null ? "" : ", " + restarted.name() + " " + restarted.threadPrefixes())
                .append(String.format(", deadlocked now: %s%n", StormWatchdog.deadlocks(this::ownerOf) == null ? "none" : "yes"));
        if (first != null) {
            b.append(String.format("  the killed server's hub: %d connects (%d clients)%n", first.hub().stats().connects(), CLIENTS));
        }
        b.append(String.format("  captured: %d uncaught exceptions, %d ERROR events, %d StackOverflowError mentions, %d WARN events%n",
                capture.uncaughtExceptions(), capture.errorEvents(), capture.stackOverflows(), capture.warnEvents()));
        if (hub != null) {
            HubStats s = hub.stats();
            b.append(String.format("  new server's hub: %d sessions, %d rooms, %d connects, %d disconnects, %d messages out,"
                            + " %d slow-consumer closes, errors %s%n", s.sessions(), s.rooms(), s.connects(), s.disconnects(),
                    s.messagesOut(), s.slowConsumerDisconnects(), s.errors()));
        }
        return b.toString();
    }

    /** Whose the thread of this name is: one of the servers', or another. */
    private String ownerOf(String threadName) {
        for (CrashableRoomServer server : new CrashableRoomServer[] {first, restarted}) {
            if (server != null && server.ownsThread(threadName)) {
                return server.name();
            }
        }
        return threadName.startsWith("wshub-client-") ? "the clients' transport" : "another";
    }

    /** Threads started since the test began that are still alive: every non-daemon one, and wshub's own (daemon) ones. */
    private Set<String> threadsLeftRunning() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !threadsBefore.contains(t) && t != Thread.currentThread()) // Awaitility's poller
                .filter(t -> !t.isDaemon() || t.getName().startsWith("wshub-") || t.getName().startsWith("storm-watchdog"))
                .map(Thread::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
