package io.wshub.bench.loadtest;

import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One user of the storm scenario, as the users who broke the server had it: a room client that,
 * whenever its connection ends for any reason or an attempt fails, tries again exactly the retry
 * interval later, with no jitter and no back-off, until the run ends. It holds at most one
 * attempt at a time: the next starts only once the previous one has ended.
 */
final class StormClient {

    private final StormRun run;
    private final WebSocketClient client;
    private final URI uri;
    private final String joinMessage;
    /** The latest attempt; written by whichever thread starts one, read by the scenario's thread at the end. */
    private volatile StormConnection current;

    StormClient(StormRun run, WebSocketClient client, URI uri, String room) {
        this.run = run;
        this.client = client;
        this.uri = uri;
        this.joinMessage = "{\"type\":\"join_room\",\"room\":\"" + room + "\"}";
    }

    /** Starts an attempt, counted in the run's current phase; does nothing once the run is over. */
    void connect() {
        if (!run.isRunning()) {
            return;
        }
        StormTally tally = run.tally();
        StormConnection connection = new StormConnection(this, tally, run.errors());
        current = connection;
        tally.attempted();
        CompletableFuture<Session> future;
        try {
            future = client.connect(connection.listener(), uri);
        } catch (Exception e) { // a stopped client or a rejected request: the same as a failed attempt
            future = CompletableFuture.failedFuture(e);
        }
        // Timing out the future aborts Jetty's upgrade request (its own future is chained to it).
        future.orTimeout(run.attemptTimeoutNanos(), TimeUnit.NANOSECONDS).whenComplete((session, failure) -> {
            if (failure != null) {
                connection.connectFailed(failure);
            }
        });
    }

    /** What this client sends once welcomed. */
    String joinMessage() {
        return joinMessage;
    }

    /** The client is back on a connection of that phase. */
    void back(StormTally tally) {
        tally.back();
        run.clientBack();
    }

    /** The current attempt ended; {@code wasBack} when it had been back. Tries again after the interval. */
    void ended(StormTally tally, boolean wasBack) {
        if (wasBack) {
            tally.lost();
            run.clientLost();
        }
        run.later(this::connect);
    }

    /** The latest attempt, or null before the first. */
    StormConnection current() {
        return current;
    }
}
