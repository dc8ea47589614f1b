package io.wshub.client.jetty;

import io.wshub.client.pool.ClientPool;
import io.wshub.client.pool.PooledConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pool over Jetty and real sockets: validation pings, idle and dead eviction, close all. */
class JettyPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final BareServer server = new BareServer();

    private static PooledConnection borrow(ClientPool pool) throws Exception {
        return pool.borrow().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aConnectionGivenBackIsPingedAndReusedThenEvictedWhenIdle() throws Exception {
        try (ClientPool pool = WsHubClient.pool(server.uri("/echo").toString())
                .maxSize(2).idleTimeout(Duration.ofMillis(500)).build()) {
            try (PooledConnection connection = borrow(pool)) {
                connection.sendText("one");
                assertThat(connection.receive(WAIT).orElseThrow().text()).isEqualTo("one");
            }
            try (PooledConnection again = borrow(pool)) { // validated by a real ping first
                again.sendText("two");
                assertThat(again.receive(WAIT).orElseThrow().text()).isEqualTo("two");
            }
            assertThat(pool.size()).isEqualTo(1);

            await().atMost(WAIT).until(() -> pool.size() == 0);
        }
    }

    @Test
    void connectionsOfAServerThatStopsLeaveThePool() throws Exception {
        try (ClientPool pool = WsHubClient.pool(server.uri("/echo").toString()).maxSize(2).build()) {
            PooledConnection a = borrow(pool);
            PooledConnection b = borrow(pool);
            a.close();
            b.close();
            assertThat(pool.idleCount()).isEqualTo(2);

            server.stop();

            await().atMost(WAIT).until(() -> pool.size() == 0);
            server.start();
            try (PooledConnection fresh = borrow(pool)) {
                fresh.sendText("back");
                assertThat(fresh.receive(WAIT).orElseThrow().text()).isEqualTo("back");
            }
        }
    }

    @Test
    void closingThePoolClosesEveryConnectionAndReleasesItsThreads() throws Exception {
        ClientThreads threads = new ClientThreads();
        ClientPool pool = WsHubClient.pool(server.uri("/echo").toString()).maxSize(3).build();
        borrow(pool);
        borrow(pool).close();

        pool.close();

        assertThat(pool.size()).isZero();
        await().atMost(WAIT).untilAsserted(() -> assertThat(threads.started()).isEmpty());
    }
}
