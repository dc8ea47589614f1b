package io.wshub.examples;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.client.ClientFailure;
import io.wshub.client.ClientListener;
import io.wshub.client.ClientOptions;
import io.wshub.client.ClientState;
import io.wshub.client.ConnectionLostException;
import io.wshub.client.FixedRetryInterval;
import io.wshub.client.HandshakeRefusedException;
import io.wshub.client.MessageHandler;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RoomClient;
import io.wshub.client.jetty.JettyClientTransport;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Many room clients ({@link RoomClient} on {@link ReconnectingClient}) over one shared
 * {@link JettyClientTransport}, each in one room, each retrying a lost connection every 100 ms
 * exactly, without jitter. Each client reads as fast as it can: its handler only looks at the
 * start of a message to count welcomes and {@code room_joined} answers.
 *
 * <p>It records what the clients see: the close code of every lost connection and every failed
 * attempt, by {@link Phase}. A connection the server closes (or drops after the crash) is a
 * problem in {@link StormFindings}; so is a client that gives up (the standard retry policy gives
 * up on a 1008).
 */
final class RoomClientFleet implements AutoCloseable {

    /** Where the scenario is; decides which closes are expected. */
    enum Phase {
        /** Connected to the first server: no connection may end. */
        BEFORE_CRASH,
        /** The first server was killed (each client loses its connection once, 1006) and a new one serves. */
        STORM,
        /** The new server shuts down gracefully: 1001 is expected. */
        SHUTDOWN
    }

    /** A fixed 100 ms between a failure and the next attempt (with {@link FixedRetryInterval}). */
    static final ClientOptions RETRY_EVERY_100_MS = ClientOptions.builder()
            .initialBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofMillis(100))
            .build();

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration SAMPLE = Duration.ofSeconds(2);
    private static final String WELCOME = "{\"type\":\"welcome\"";
    private static final String ROOM_JOINED = "{\"type\":\"room_joined\"";
    private static final String SHUTDOWN_NOTICE = "{\"type\":\"server_shutdown\"";

    /** Clients started at once on the first server, at most (see {@link #connect}). */
    static final int CONNECTING_AT_ONCE = 100;
    /** A wait ends this long after the first problem, so that what follows from it is recorded too. */
    static final Duration AFTER_PROBLEM = Duration.ofSeconds(10);

    private final JettyClientTransport transport = JettyClientTransport.create();
    private final Semaphore connecting = new Semaphore(CONNECTING_AT_ONCE);
    private final List<Member> members = new ArrayList<>();
    private final StormFindings findings;
    private volatile Phase phase = Phase.BEFORE_CRASH;
    /** How many clients were there, every 2 s of the last {@link #awaitAll}. */
    private volatile String progress = "";
    private final Map<Phase, LongAdder> messages = new EnumMap<>(Phase.class);
    private final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failedAttempts = new ConcurrentHashMap<>();

    RoomClientFleet(StormFindings findings) {
        this.findings = findings;
        for (Phase p : Phase.values()) {
            messages.put(p, new LongAdder());
        }
    }

    /**
     * Starts {@code clients} room clients to {@code ws}, client i joining room {@code r-(i % rooms)},
     * as clients arrive at a server over time: at most {@link #CONNECTING_AT_ONCE} are between
     * their start and their first {@code room_joined}. Then waits until every client is
     * {@linkplain #isIn in}.
     *
     * @return how long it took, or null if not every client got in within {@code bound} (or a
     *         problem came first; see {@link #awaitAll})
     */
    Duration connect(URI ws, int clients, int rooms, Duration bound) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        for (int i = 0; i < clients && !findings.any(); i++) {
            if (!connecting.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return null;
            }
            Member m = new Member(i, "r-" + (i % rooms));
            ReconnectingClient.Builder builder = ReconnectingClient.builder(transport)
                    .url(ws)
                    .options(RETRY_EVERY_100_MS)
                    .listener(m)
                    .onMessage(m);
            m.client = RoomClient.connect(FixedRetryInterval.withoutJitter(builder));
            members.add(m);
            m.client.join(m.room); // and the client joins it again by itself after every reconnect
        }
        Duration rest = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        return awaitAll(RoomClientFleet::isIn, rest, AFTER_PROBLEM) == null || members.size() < clients
                ? null : Duration.ofNanos(System.nanoTime() - start);
    }

    void phase(Phase next) {
        phase = next;
    }

    /** Open on the first server, welcomed and in its room. */
    static boolean isIn(Member m) {
        return m.losses == 0 && m.isOpenWelcomedAndJoined();
    }

    /** Lost its connection to the killed server and is open, welcomed and in its room again on a new connection. */
    static boolean isBack(Member m) {
        return m.losses >= 1 && m.isOpenWelcomedAndJoined();
    }

    /** How many clients are so. */
    int count(Predicate<Member> condition) {
        int n = 0;
        for (Member m : members) {
            if (condition.test(m)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Waits until every client is so, polling every 100 ms, at most {@code bound}; gives up early,
     * {@code afterProblem} after the first problem (so that its consequences are recorded too).
     *
     * @return how long it took, or null if not every client got there
     */
    Duration awaitAll(Predicate<Member> condition, Duration bound, Duration afterProblem) {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        long problemDeadline = Long.MAX_VALUE;
        StringBuilder trace = new StringBuilder();
        long nextSample = start;
        for (int n = count(condition); n < members.size(); n = count(condition)) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                trace.append(String.format(" %ds:%d", TimeUnit.NANOSECONDS.toSeconds(now - start), n));
                progress = trace.toString();
                nextSample += SAMPLE.toNanos();
            }
            if (findings.any() && problemDeadline == Long.MAX_VALUE) {
                problemDeadline = now + afterProblem.toNanos();
            }
            if (now > deadline || now > problemDeadline) {
                return null;
            }
            LockSupport.parkNanos(POLL.toNanos()); // the poll interval of a bounded wait, as Awaitility's
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Watches for {@code period} that every client stays so, polling every 100 ms; the first poll
     * that finds one that is not is a problem (a lost connection is one by itself, as it happens).
     */
    void staysFor(Predicate<Member> condition, Duration period) {
        long deadline = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < deadline) {
            int n = count(condition);
            if (n < members.size()) {
                findings.problem("clients not there any more", (members.size() - n) + " of " + members.size());
                return;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Clients by state, how many are back, what they saw: for the failure message and the log. */
    String status() {
        Map<ClientState, Integer> states = new EnumMap<>(ClientState.class);
        for (Member m : members) {
            states.merge(m.client.client().state(), 1, Integer::sum);
        }
        return String.format("%d clients: %s; in their room on their first connection %d, on a later one %d%n"
                        + "    last wait, clients there every 2 s:%s%n"
                        + "    messages received %s%n    connections lost (phase, close status): %s%n"
                        + "    failed attempts (phase, cause): %s",
                members.size(), states, count(RoomClientFleet::isIn), count(RoomClientFleet::isBack), progress,
                messages, new TreeMap<>(closes), new TreeMap<>(failedAttempts));
    }

    /** Closes every client, then the shared transport (its threads and sockets). */
    @Override
    public void close() {
        for (Member m : members) {
            m.client.close();
        }
        transport.close();
    }

    private void lost(Member m, ConnectionLostException lost) {
        CloseStatus status = lost.status();
        Phase p = phase;
        closes.computeIfAbsent(p + " " + status, k -> new LongAdder()).increment();
        switch (p) {
            case BEFORE_CRASH -> findings.problem("connection lost before the crash",
                    "client " + m.index + ": " + status);
            case STORM -> {
                if (status.code() != CloseStatus.ABNORMAL.code()) {
                    findings.problem("server closed a client with a close frame", "client " + m.index + " (" + m.room
                            + "): " + status + (m.losses > 0 ? ", on the new server" : ", at the crash"));
                } else if (m.losses > 0) {
                    findings.problem("new server dropped a client (1006)", String.format(
                            "client %d (%s): %d welcomes and %d room_joined on that connection, %d ms after its last"
                                    + " failure; the client saw %s, cause %s", m.index, m.room, m.welcomes, m.joined,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - m.lastFailureNanos), status, rootCause(lost)));
                }
            }
            case SHUTDOWN -> {
            }
        }
    }

    private void attemptFailed(Throwable cause) {
        String kind = cause instanceof HandshakeRefusedException refused ? "HTTP " + refused.status()
                : rootCause(cause).getClass().getSimpleName();
        failedAttempts.computeIfAbsent(phase + " " + kind, k -> new LongAdder()).increment();
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /**
     * One client and what it has seen. Its callbacks come one at a time on the client's own
     * executor, in the order things happened (the frames of a connection before the failure that
     * ends it), so plain volatile counters are enough.
     */
    final class Member implements ClientListener, MessageHandler {
        final int index;
        final String room;
        volatile RoomClient client;
        /** Connections lost (not failed attempts). */
        volatile int losses;
        /** Welcomes and room_joined answers on the current connection or attempt. */
        volatile int welcomes;
        volatile int joined;
        /** When its last connection or attempt failed. */
        volatile long lastFailureNanos = System.nanoTime();
        /** Whether it gave back its place among the clients connecting at once. */
        private boolean arrived;

        Member(int index, String room) {
            this.index = index;
            this.room = room;
        }

        boolean isOpenWelcomedAndJoined() {
            RoomClient c = client;
            return c != null && c.client().state() == ClientState.OPEN && welcomes >= 1 && joined >= 1;
        }

        @Override
        public void onMessage(Message frame) {
            Phase p = phase;
            messages.get(p).increment();
            if (!frame.isText()) {
                return;
            }
            String text = frame.text();
            if (text.startsWith(WELCOME)) {
                welcomes++;
            } else if (text.startsWith(ROOM_JOINED)) {
                joined++;
                arrived();
            } else if (text.startsWith(SHUTDOWN_NOTICE) && p != Phase.SHUTDOWN) {
                findings.problem("shutdown notice before the graceful shutdown", "client " + index + " in " + p);
            }
        }

        @Override
        public void onFailure(ClientFailure failure) {
            if (failure.cause() instanceof ConnectionLostException lost) {
                lost(this, lost);
                losses++;
            } else {
                attemptFailed(failure.cause());
            }
            welcomes = 0; // what follows comes over a new connection
            joined = 0;
            lastFailureNanos = System.nanoTime();
            if (!failure.willRetry()) {
                arrived();
                if (phase != Phase.SHUTDOWN) {
                    findings.problem("client gave up", "client " + index + ": " + failure.cause().getMessage());
                }
            }
        }

        private void arrived() {
            if (!arrived) {
                arrived = true;
                connecting.release();
            }
        }
    }
}
