package io.wshub.bench;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The floor server over real sockets, with the JDK's own WebSocket client. */
class RawJettyServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RawJettyServer server;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = RawJettyServer.start("127.0.0.1", 0, Duration.ofMinutes(1));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** A client that collects what it receives. */
    private static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received.add(bytes);
            socket.request(1);
            return null;
        }

        Object next() throws InterruptedException {
            Object message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).as("a message within " + WAIT).isNotNull();
            return message;
        }
    }

    private static WebSocket connect(String path, Collector collector) throws Exception {
        return http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + path), collector)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void echoReturnsTextAndBinaryUnchanged() throws Exception {
        Collector collector = new Collector();
        WebSocket socket = connect("/echo", collector);

        socket.sendText("hello", true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(collector.next()).isEqualTo("hello");
        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(collector.next()).isEqualTo(new byte[] {1, 2, 3});
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void broadcastRelaysEveryFrameToEveryOtherClientButNotTheSender() throws Exception {
        Collector sender = new Collector();
        Collector first = new Collector();
        Collector second = new Collector();
        WebSocket senderSocket = connect("/broadcast", sender);
        WebSocket a = connect("/broadcast", first);
        WebSocket b = connect("/broadcast", second);
        await().atMost(WAIT).until(() -> server.broadcastSessions() == 3);

        senderSocket.sendText("to all", true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        senderSocket.sendBinary(ByteBuffer.wrap(new byte[] {9, 8}), true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(first.next()).isEqualTo("to all");
        assertThat(second.next()).isEqualTo("to all");
        assertThat(first.next()).isEqualTo(new byte[] {9, 8});
        assertThat(second.next()).isEqualTo(new byte[] {9, 8});
        // The sender's own frames never come back: an echo to it would arrive before this reply.
        a.sendText("reply", true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(sender.next()).isEqualTo("reply");
        CompletableFuture.allOf(senderSocket.sendClose(WebSocket.NORMAL_CLOSURE, ""),
                a.sendClose(WebSocket.NORMAL_CLOSURE, ""), b.sendClose(WebSocket.NORMAL_CLOSURE, ""))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await().atMost(WAIT).until(() -> server.broadcastSessions() == 0);
    }

    @Test
    void healthReportsConnectionsAndMemoryAsJson() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body()).startsWith("{\"status\":\"UP\",\"broadcastSessions\":").contains("\"heapUsedBytes\":");
    }

    @Test
    void anyOtherPathIsNotFound() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/nope")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }
}
