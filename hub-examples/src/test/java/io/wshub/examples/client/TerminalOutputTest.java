package io.wshub.examples.client;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.client.ClientFailure;
import io.wshub.client.ClientState;
import io.wshub.client.ConnectionLostException;
import io.wshub.client.HandshakeRefusedException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalOutputTest {

    private static final URI URL = URI.create("ws://localhost:8080/ws");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final TerminalOutput terminal = new TerminalOutput(
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), () -> URL);

    @Test
    void everyFrameIsOneLineOnStdout() {
        terminal.frame(Message.text("{\"type\":\"pong\"}"));
        terminal.frame(Message.text("two\nlines\r"));
        terminal.frame(Message.binary(new byte[] {0, 1, 2}));

        assertThat(out.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("{\"type\":\"pong\"}", "two\\nlines\\r", "binary:AAEC");
        assertThat(err.size()).isZero();
    }

    @Test
    void stateChangesAndFailuresGoToStderr() {
        terminal.onStateChange(ClientState.CONNECTING, ClientState.OPEN);
        terminal.onFailure(new ClientFailure(URL, new ConnectionLostException(URL, CloseStatus.SERVER_SHUTDOWN,
                "connection to " + URL + " closed: 1001 Server shutdown", null), Duration.ofMillis(1_250)));
        terminal.onFailure(new ClientFailure(URL, new HandshakeRefusedException(URL, 401, ""), null));

        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "[open] ws://localhost:8080/ws",
                "[retry] connection to ws://localhost:8080/ws closed: 1001 Server shutdown; next attempt in 1.3 s",
                "[gave up] handshake with ws://localhost:8080/ws refused: HTTP 401");
        assertThat(out.size()).isZero();
    }
}
