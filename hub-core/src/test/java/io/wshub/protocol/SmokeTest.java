package io.wshub.protocol;

import io.wshub.Hub;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void roomMessage() {
        Hub hub = Hub.builder().handler(RoomProtocol.router().build()).flushExecutor(Runnable::run).build();
        InMemoryTransport t = new InMemoryTransport(hub.acceptor());
        InMemoryClient a = t.connect("alice");
        assertThat(a.nextText(Duration.ofSeconds(1))).isEqualTo("{\"type\":\"welcome\",\"id\":\"alice\",\"content\":\"Connected to WebSocket server\"}");
        InMemoryClient b = t.connect("bob");
        b.nextText(Duration.ofSeconds(1));
        assertThat(a.nextText(Duration.ofSeconds(1))).isEqualTo("{\"type\":\"user_joined\",\"id\":\"bob\"}");
        a.sendText("{\"type\":\"join_room\",\"room\":\"r1\"}");
        assertThat(a.nextText(Duration.ofSeconds(1))).isEqualTo("{\"type\":\"room_joined\",\"room\":\"r1\",\"members\":[\"alice\"]}");
        b.sendText("{\"type\":\"join_room\",\"room\":\"r1\"}");
        assertThat(b.nextText(Duration.ofSeconds(1))).isEqualTo("{\"type\":\"room_joined\",\"room\":\"r1\",\"members\":[\"alice\",\"bob\"]}");
        assertThat(a.nextText(Duration.ofSeconds(1))).isEqualTo("{\"type\":\"user_joined_room\",\"room\":\"r1\",\"userId\":\"bob\"}");
        b.sendText("{\"type\":\"room_message\",\"room\":\"r1\",\"content\":\"hi\",\"data\":{\"x\":[1,2.50]}}");
        assertThat(a.nextText(Duration.ofSeconds(1))).isEqualTo("{\"type\":\"room_message\",\"room\":\"r1\",\"content\":\"hi\",\"data\":{\"x\":[1,2.50]},\"from\":\"bob\"}");
        b.close();
        assertThat(a.nextText(Duration.ofSeconds(1))).isEqualTo("{\"type\":\"user_left_room\",\"room\":\"r1\",\"userId\":\"bob\"}");
        assertThat(a.nextText(Duration.ofSeconds(1))).isEqualTo("{\"type\":\"user_left\",\"id\":\"bob\"}");
        hub.shutdown().join();
        assertThat(a.nextText(Duration.ofSeconds(1))).isEqualTo("{\"type\":\"server_shutdown\",\"message\":\"Server is shutting down\"}");
        assertThat(a.awaitClose(Duration.ofSeconds(1)).code()).isEqualTo(1001);
    }
}
