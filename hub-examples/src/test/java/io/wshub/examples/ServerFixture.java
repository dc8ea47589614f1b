package io.wshub.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wshub.jetty.TestClient;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A running example server on a free loopback port and the clients a test opened to it. */
final class ServerFixture implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final HubServer server;
    final WebSocketClient jetty;
    private final List<TestClient> clients = new ArrayList<>();

    private ServerFixture(HubServer server, WebSocketClient jetty) {
        this.server = server;
        this.jetty = jetty;
    }

    /** Starts the server with these settings on top of the defaults (and 127.0.0.1, a free port). */
    static ServerFixture start(ExampleServer kind, Map<Setting, Object> overrides) throws Exception {
        return start(kind, overrides, null);
    }

    /** Starts the server with this tracing (null: as the settings say), which it closes when it stops. */
    static ServerFixture start(ExampleServer kind, Map<Setting, Object> overrides, ServerTracing tracing) throws Exception {
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        values.put(Setting.HOST, "127.0.0.1");
        values.put(Setting.PORT, 0);
        values.putAll(overrides);
        Settings settings = Settings.with(values);
        HubServer server = tracing == null ? HubServer.start(kind, settings) : HubServer.start(kind, settings, tracing);
        return new ServerFixture(server, TestClient.newJettyClient());
    }

    static ServerFixture start(ExampleServer kind) throws Exception {
        return start(kind, Map.of());
    }

    URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery);
    }

    URI http(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    TestClient connect(String pathAndQuery) throws Exception {
        return connect(pathAndQuery, Map.of());
    }

    TestClient connect(String pathAndQuery, Map<String, String> headers) throws Exception {
        TestClient c = TestClient.connect(jetty, ws(pathAndQuery), headers);
        clients.add(c);
        return c;
    }

    /** The HTTP status the server refuses this upgrade with; fails if it accepts it. */
    int refusal(String pathAndQuery, Map<String, String> headers) throws Exception {
        try {
            connect(pathAndQuery, headers);
        } catch (TestClient.Refused e) {
            return e.status();
        }
        throw new AssertionError("the upgrade to " + pathAndQuery + " was accepted");
    }

    /** Stops the server gracefully, as SIGTERM does. */
    void stopServer() throws Exception {
        server.close();
    }

    @Override
    public void close() {
        clients.forEach(TestClient::close);
        try {
            jetty.stop();
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the test server", e);
        }
    }

    /** Asserts the text is this JSON object (same fields and values, in any order). */
    static void assertJson(String actual, String expected) {
        try {
            assertThat(JSON.readTree(actual)).as(actual).isEqualTo(JSON.readTree(expected));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("not JSON: " + actual, e);
        }
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
