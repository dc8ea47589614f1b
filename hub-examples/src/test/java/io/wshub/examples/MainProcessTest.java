package io.wshub.examples;

import io.wshub.CloseStatus;
import io.wshub.jetty.TestClient;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.wshub.examples.ServerFixture.assertJson;
import static org.assertj.core.api.Assertions.assertThat;

/** The examples as a process: started from the command line, stopped by SIGTERM, gone by itself. */
class MainProcessTest {

    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private Process process;
    private Thread reader;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private int start(String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath, Main.class.getName()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "examples-output");
        reader.setDaemon(true);
        reader.start();
        for (;;) {
            String line = lines.poll(20, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("the server did not say it was listening: " + output);
            }
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
    }

    @Test
    void sigtermShutsTheRoomServerDownGracefullyAndTheProcessEndsByItself() throws Exception {
        int port = start("room", "--host", "127.0.0.1", "--port", "0", "--shutdown-grace", "5s");
        WebSocketClient jetty = TestClient.newJettyClient();
        try {
            TestClient alice = TestClient.connect(jetty, URI.create("ws://127.0.0.1:" + port + "/ws?id=alice"));
            assertThat(alice.nextText()).contains("\"welcome\"");

            process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the output pipe

            assertJson(alice.nextText(), "{\"type\":\"server_shutdown\",\"message\":\"Server is shutting down\"}");
            assertThat(alice.awaitClose()).isEqualTo(new CloseStatus(1001, "Server shutdown"));
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("exited by itself; output: " + output).isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(5)); // the last lines of its output
            assertThat(String.join("\n", output)).contains("shutdown complete");
        } finally {
            jetty.stop();
        }
    }

    @Test
    void withoutACommandTheRoomServerStarts() throws Exception {
        int port = start("--host", "127.0.0.1", "--port", "0");
        assertThat(port).isPositive();
        assertThat(String.join("\n", output)).contains("the room server", "/ws", "chat page")
                .as("the warm-up ran first, by default").containsPattern("warmed up: [1-9]\\d* upgrades in \\d+ ms; [1-9]\\d* frames through [1-9]\\d* connections to /ws in \\d+ ms\n.*listening on port");
        process.toHandle().destroy();
        assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
    }
}
