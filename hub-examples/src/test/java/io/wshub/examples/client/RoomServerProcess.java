package io.wshub.examples.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The examples' room server in a process of its own ({@code io.wshub.examples.Main room}), as a user
 * runs it, on a fixed port so that it can be stopped (SIGTERM: notice and 1001 to every client) and
 * started again where its clients expect it.
 */
final class RoomServerProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(60); // a JVM start on a busy 2-core machine
    private static final Duration SHUTDOWN = Duration.ofSeconds(30);

    private final int port;
    private final Path log;
    private final List<String> extraArgs;
    private Process process;

    /** @param extraArgs more flags for the room server ({@code --jwt-secret S}, say) */
    RoomServerProcess(int port, Path log, String... extraArgs) {
        this.port = port;
        this.log = log;
        this.extraArgs = List.of(extraArgs);
    }

    int port() {
        return port;
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** Starts the server and waits until its health endpoint answers. */
    RoomServerProcess start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, "io.wshub.examples.Main",
                "room", "--host", "127.0.0.1", "--port", Integer.toString(port), "--shutdown-grace", "2s", "--warm-up", "0"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the room server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (ConnectException e) {
                return false;
            }
        });
        return this;
    }

    /** Stops it as SIGTERM does and waits for the process to end. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(SHUTDOWN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("the room server did not stop within " + SHUTDOWN + " of SIGTERM");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
