package io.wshub.client;

import io.wshub.testing.ScriptedConnection;
import io.wshub.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static io.wshub.client.ClientFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The message handler, blocking receive with its backpressure, and ping. */
class ReceivingTest {

    private final ClientFixture f = new ClientFixture();

    @Test
    void theHandlerGetsEveryMessageInOrder() {
        List<String> received = new ArrayList<>();
        f.openClient(f.builder().onMessage(frame -> received.add(frame.text())));
        ScriptedConnection connection = f.transport.connection();

        connection.serverSends("a");
        connection.serverSends("b");
        connection.serverSends("c");

        assertThat(received).containsExactly("a", "b", "c");
    }

    @Test
    void aHandlerThatThrowsDoesNotStopTheMessagesBehind() {
        List<String> received = new ArrayList<>();
        f.openClient(f.builder().onMessage(frame -> {
            received.add(frame.text());
            throw new IllegalStateException("handler bug");
        }));

        f.transport.connection().serverSends("a");
        f.transport.connection().serverSends("b");

        assertThat(received).containsExactly("a", "b");
    }

    @Test
    void receiveReturnsMessagesInOrderAndEmptyWhenNoneCame() throws Exception {
        ReconnectingClient client = f.openClient(f.builder());
        f.transport.connection().serverSends("a");
        f.transport.connection().serverSends("b");

        assertThat(client.receive(Duration.ZERO)).map(Message::text).hasValue("a");
        assertThat(client.receive(Duration.ZERO)).map(Message::text).hasValue("b");
        assertThat(client.receive(Duration.ofMillis(10))).isEmpty();
    }

    @Test
    void aFullReceiveQueueStopsReadingUntilAMessageIsTaken() throws Exception {
        ClientOptions options = ClientOptions.builder().receiveQueueMessages(2).build();
        ReconnectingClient client = f.openClient(f.builder().options(options));
        ScriptedConnection connection = f.transport.connection();
        for (String text : List.of("a", "b", "c", "d")) {
            connection.serverSends(text);
        }
        assertThat(connection.undelivered()).isEqualTo(2);
        assertThat(connection.openDemand()).isZero();

        assertThat(client.receive(Duration.ZERO)).map(Message::text).hasValue("a");

        assertThat(connection.undelivered()).isEqualTo(1);
        assertThat(client.receive(Duration.ZERO)).map(Message::text).hasValue("b");
        assertThat(client.receive(Duration.ZERO)).map(Message::text).hasValue("c");
        assertThat(client.receive(Duration.ZERO)).map(Message::text).hasValue("d");
        assertThat(connection.undelivered()).isZero();
        assertThat(connection.openDemand()).isEqualTo(1);
    }

    @Test
    void receiveIsRefusedForAClientWithAHandler() {
        ReconnectingClient client = f.openClient(f.builder().onMessage(frame -> { }));

        assertThatThrownBy(() -> client.receive(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessage("receive() is for clients built without onMessage(...) or onChunk(...); this one hands every message to its handler");
    }

    @Test
    void pingCompletesWithTheRoundTripTime() {
        ReconnectingClient client = f.openClient(f.builder());

        assertThat(client.ping(seconds(1))).isCompletedWithValue(Duration.ZERO);
        assertThat(f.transport.connection().pings()).isEqualTo(1);
    }

    @Test
    void pingFailsWhenNoPongComesInTime() {
        ReconnectingClient client = f.openClient(f.builder());
        f.transport.connection().stopAnsweringPings();
        CompletableFuture<Duration> rtt = client.ping(seconds(1));

        f.advance(seconds(1));

        assertThat(rtt).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(TimeoutException.class)
                .withMessage("no pong from ws://primary.test/ws within PT1S");
    }

    @Test
    void pingFailsWhenTheClientIsNotOpen() {
        ReconnectingClient client = f.builder().connect();

        assertThat(client.ping(seconds(1))).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(ClientException.class).withMessage("not connected (CONNECTING)");
    }
}
