package io.wshub.client;

import io.wshub.testing.ScriptedConnection;
import io.wshub.CloseStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.wshub.client.ClientFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

/** Pings every interval; silence past the timeout is a dead connection, replaced by a new one. */
class HeartbeatTest {

    private final ClientFixture f = new ClientFixture();

    @Test
    void theClientPingsEveryInterval() {
        f.openClient(f.builder());
        ScriptedConnection connection = f.transport.connection();

        f.advance(Duration.ofMillis(19_999));
        assertThat(connection.pings()).isZero();
        f.advance(Duration.ofMillis(1));
        assertThat(connection.pings()).isEqualTo(1);
        f.advance(seconds(20));
        assertThat(connection.pings()).isEqualTo(2);
    }

    @Test
    void aServerThatStopsAnsweringPingsIsDetectedAndLeftForANewConnection() {
        ReconnectingClient client = f.openClient(f.builder());
        ScriptedConnection silent = f.transport.connection();
        f.advance(seconds(20)); // answered
        silent.stopAnsweringPings();

        f.advance(Duration.ofMillis(29_999)); // pinged at 40 s; 30 s of silence is reached at 50 s
        assertThat(silent.isAborted()).isFalse();
        f.advance(Duration.ofMillis(1));

        assertThat(silent.isAborted()).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.RECONNECTING);
        ClientFailure failure = f.events.lastFailure();
        assertThat(failure.cause()).isInstanceOfSatisfying(ConnectionLostException.class,
                lost -> assertThat(lost.status()).isEqualTo(CloseStatus.HEARTBEAT_TIMEOUT));
        assertThat(failure.cause()).hasMessage("no pong or other frame from ws://primary.test/ws within PT30S");

        f.advance(failure.retryIn());
        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        assertThat(f.transport.connection()).isNotSameAs(silent);
    }

    @Test
    void anyInboundMessageCountsAsLife() {
        ReconnectingClient client = f.openClient(f.builder().onMessage(frame -> { }));
        ScriptedConnection connection = f.transport.connection();
        connection.stopAnsweringPings();

        for (int i = 0; i < 12; i++) {
            f.advance(seconds(10));
            connection.serverSends("{\"type\":\"tick\"}");
        }

        assertThat(connection.isAborted()).isFalse();
        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        assertThat(connection.pings()).isEqualTo(6);
    }

    @Test
    void whileReadingIsPausedTheSilenceIsNotBlamedOnTheServer() throws Exception {
        ClientOptions options = ClientOptions.builder().receiveQueueMessages(1).build();
        ReconnectingClient client = f.openClient(f.builder().options(options));
        ScriptedConnection connection = f.transport.connection();
        connection.serverSends("one");
        connection.serverSends("two"); // not read: the receive queue is full
        connection.stopAnsweringPings();

        f.advance(Duration.ofMinutes(5));

        assertThat(connection.isAborted()).isFalse();
        assertThat(client.receive(Duration.ZERO)).hasValueSatisfying(m -> assertThat(m.text()).isEqualTo("one"));
        assertThat(client.receive(Duration.ZERO)).hasValueSatisfying(m -> assertThat(m.text()).isEqualTo("two"));
        f.advance(seconds(30));
        assertThat(connection.isAborted()).isTrue();
    }
}
