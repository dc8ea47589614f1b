package io.wshub.jetty;

import io.wshub.Hub;
import io.wshub.protocol.RawEchoHandler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Clients that dribble their upgrade request are cut at the deadline; everyone else is served meanwhile. */
class HandshakeDeadlineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final int SLOW = 1_000;
    private static final byte[] REQUEST = ("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void aThousandSlowHandshakesAreCutAtTheDeadlineWhileAFreshClientIsServed() throws Exception {
        Hub echo = Hub.builder().handler(new RawEchoHandler()).build();
        try (TestServer server = TestServer.start(s -> WshubHandler.builder(s).mount("/echo", echo).build())) {
            HandshakeDeadline.install((ServerConnector) server.server().getConnectors()[0], DEADLINE);
            List<Socket> slow = new ArrayList<>();
            ScheduledExecutorService dribble = Executors.newScheduledThreadPool(4);
            AtomicInteger cut = new AtomicInteger();
            try {
                for (int i = 0; i < SLOW; i++) {
                    Socket socket = new Socket("127.0.0.1", server.port());
                    slow.add(socket);
                    OutputStream out = socket.getOutputStream();
                    AtomicInteger sent = new AtomicInteger();
                    // a byte every 100 ms: the whole request would take 17 s, far past the deadline
                    dribble.scheduleAtFixedRate(() -> {
                        int next = sent.getAndIncrement();
                        if (next < REQUEST.length && !socket.isClosed()) {
                            try {
                                out.write(REQUEST[next]);
                            } catch (IOException e) {
                                sent.set(REQUEST.length); // cut: stop writing
                            }
                        }
                    }, 0, 100, TimeUnit.MILLISECONDS);
                }

                WebSocketClient jetty = TestClient.newJettyClient();
                try {
                    TestClient fresh = TestClient.connect(jetty, server.ws("/echo"));
                    fresh.sendText("served while they dribble");
                    assertThat(fresh.nextText()).isEqualTo("served while they dribble");
                    fresh.close(1000, "done");
                } finally {
                    jetty.stop();
                }

                for (Socket socket : slow) {
                    socket.setSoTimeout((int) (DEADLINE.toMillis() * 5)); // long cut by then, or never
                    InputStream in = socket.getInputStream();
                    try {
                        if (in.read() < 0) {
                            cut.incrementAndGet(); // the server closed it
                        }
                    } catch (SocketTimeoutException e) {
                        // still open: not cut
                    } catch (IOException e) {
                        cut.incrementAndGet(); // reset: closed with our bytes unread
                    }
                }
            } finally {
                dribble.shutdownNow();
                for (Socket socket : slow) {
                    socket.close();
                }
            }
            assertThat(cut).as("slow handshakes cut by the deadline").hasValue(SLOW);
            await().atMost(Duration.ofSeconds(10)).until(() -> echo.sessionCount() == 0);
        }
    }

    @Test
    void anUpgradedSessionHoldsNoDeadlineTimerAndSoNoneOfItsHttpExchange() throws Exception {
        long deadlineMillis = 60_000; // far beyond the test: only a cancel can end these timers in time
        DeadlineTimers timers = new DeadlineTimers(deadlineMillis);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, null, timers, null, -1, -1, new HttpConnectionFactory());
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        Hub echo = Hub.builder().handler(new RawEchoHandler()).build();
        server.setHandler(WshubHandler.builder(server).mount("/echo", echo).build());
        HandshakeDeadline.install(connector, Duration.ofMillis(deadlineMillis));
        server.start();
        WebSocketClient jetty = TestClient.newJettyClient();
        try {
            List<TestClient> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                TestClient client = TestClient.connect(jetty, URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/echo"));
                client.sendText("open " + i);
                assertThat(client.nextText()).isEqualTo("open " + i);
                clients.add(client);
            }
            assertThat(timers.scheduled()).as("a deadline timer per accepted connection").isEqualTo(20);
            // the upgrade closes the HTTP connection, which cancels its timer while the session lives on
            await().atMost(Duration.ofSeconds(5)).until(() -> timers.pending() == 0);
            assertThat(echo.sessionCount()).isEqualTo(20);
        } finally {
            jetty.stop();
            server.stop();
        }
    }

    /** Jetty's scheduler, counting the timers of one delay that are neither run nor cancelled. */
    private static final class DeadlineTimers extends ScheduledExecutorScheduler {
        private final long delayMillis;
        private final AtomicInteger scheduled = new AtomicInteger();
        private final AtomicInteger pending = new AtomicInteger();

        DeadlineTimers(long delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public Task schedule(Runnable task, long delay, TimeUnit unit) {
            if (unit.toMillis(delay) != delayMillis) {
                return super.schedule(task, delay, unit);
            }
            scheduled.incrementAndGet();
            pending.incrementAndGet();
            AtomicBoolean done = new AtomicBoolean();
            Task inner = super.schedule(() -> {
                if (done.compareAndSet(false, true)) {
                    pending.decrementAndGet();
                }
                task.run();
            }, delay, unit);
            return () -> {
                boolean cancelled = inner.cancel();
                if (cancelled && done.compareAndSet(false, true)) {
                    pending.decrementAndGet();
                }
                return cancelled;
            };
        }

        int scheduled() {
            return scheduled.get();
        }

        int pending() {
            return pending.get();
        }
    }

    @Test
    void theDeadlineMustBePositive() {
        ServerConnector connector = new ServerConnector(new org.eclipse.jetty.server.Server());
        assertThatThrownBy(() -> HandshakeDeadline.install(connector, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
