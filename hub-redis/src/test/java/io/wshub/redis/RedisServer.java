package io.wshub.redis;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} for one test class, on a free port, without persistence; it can be
 * killed and started again on the same port. Where none is installed the tests are skipped with a
 * message that says how to install it, except under {@code CI=true}, where that fails them. Shared
 * with other modules' tests through this module's test-jar.
 */
public final class RedisServer implements AutoCloseable {

    /** What the skip (or the failure under CI=true) says when redis-server is missing. */
    public static final String INSTALL_HINT = "redis-server is not on the PATH; install it to run the Redis tests"
            + " (Debian/Ubuntu: apt-get update && apt-get install -y redis-server)";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final long STOP_TIMEOUT_SECONDS = 5;
    /** A port found free can be taken before Redis binds it; try a few. */
    private static final int PORT_ATTEMPTS = 3;

    private final Path binary;
    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(Path binary, int port, Path log) {
        this.binary = binary;
        this.port = port;
        this.log = log;
    }

    /** Starts a server, or skips (fails under CI=true) the calling tests when none is installed. */
    public static RedisServer start() throws IOException {
        Path binary = findOnPath("redis-server");
        requireInstalled(binary, System.getenv("CI"));
        Path logs = Files.createDirectories(Path.of("target", "redis-logs"));
        Path log = Files.createTempFile(logs, "redis-", ".log");
        AssertionError last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            RedisServer server = new RedisServer(binary, freePort(), log);
            try {
                server.launch();
                return server;
            } catch (AssertionError e) {
                server.kill();
                last = e;
            }
        }
        throw last;
    }

    /**
     * Skips the calling test when the binary is missing, or fails it when {@code ci} is "true".
     *
     * @throws org.opentest4j.TestAbortedException to skip
     */
    static void requireInstalled(Path binary, String ci) {
        if (binary != null) {
            return;
        }
        if ("true".equals(ci)) {
            throw new AssertionError(INSTALL_HINT + " (CI=true: a missing Redis fails the build)");
        }
        Assumptions.abort(INSTALL_HINT);
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Kills the server at once (SIGKILL): connections drop, nothing is saved. */
    public void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("redis-server on port " + port + " did not die within " + STOP_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a paused server go on (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Starts a fresh, empty server on the same port. */
    public void restart() throws IOException {
        kill();
        launch();
    }

    @Override
    public void close() {
        kill();
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            await("redis-server answering PING on port " + port).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive() || answersPing());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("redis-server did not start on port " + port + "; its log: " + log, e);
        }
        if (!process.isAlive()) {
            throw new AssertionError("redis-server exited at start on port " + port + "; its log: " + log
                    + "\n" + Files.readString(log));
        }
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
