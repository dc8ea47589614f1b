package io.wshub.examples;

import io.wshub.CloseStatus;
import io.wshub.jetty.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The broadcast server relays every frame on /broadcast, unchanged, to every other client. */
class BroadcastServerTest {

    private ServerFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = ServerFixture.start(ExampleServer.BROADCAST);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private TestClient[] connect(int n) throws Exception {
        TestClient[] clients = new TestClient[n];
        for (int i = 0; i < n; i++) {
            clients[i] = fixture.connect("/broadcast");
        }
        await().atMost(TestClient.TIMEOUT).until(() -> fixture.server.hubs().get("/broadcast").sessions().size() == n);
        return clients;
    }

    @Test
    void textAndBinaryFramesReachEveryOtherClientUnchanged() throws Exception {
        TestClient[] c = connect(3);
        c[0].sendText("{\"anything\": \"goes\"} ✓");
        c[0].sendBinary(new byte[] {0, -1, 42});

        for (TestClient other : new TestClient[] {c[1], c[2]}) {
            assertThat(other.nextText()).isEqualTo("{\"anything\": \"goes\"} ✓");
            assertThat(other.next(TestClient.TIMEOUT).binary()).containsExactly(0, -1, 42);
        }
        c[0].expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void aClientAloneHearsNothing() throws Exception {
        TestClient[] c = connect(1);
        c[0].sendText("anyone?");
        c[0].expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void manyMessagesArriveInOrder() throws Exception {
        TestClient[] c = connect(2);
        for (int i = 0; i < 100; i++) {
            c[0].sendText("m" + i);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(c[1].nextText()).isEqualTo("m" + i);
        }
    }

    @Test
    void onShutdownClientsGetOnlyTheClose() throws Exception {
        TestClient[] c = connect(2);
        fixture.stopServer();
        for (TestClient client : c) {
            assertThat(client.awaitClose()).isEqualTo(new CloseStatus(1001, "Server shutdown"));
            client.expectNoMessage(Duration.ZERO);
        }
    }
}
