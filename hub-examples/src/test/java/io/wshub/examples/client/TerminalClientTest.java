package io.wshub.examples.client;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wshub.client.ClientOptions;
import io.wshub.client.ClientState;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RoomClient;
import io.wshub.client.jetty.WsHubClient;
import io.wshub.jetty.SecureChatExample;
import io.wshub.jetty.TestCertificates;
import org.eclipse.jetty.server.Server;
import io.wshub.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The terminal client end to end: its stdin, stdout and stderr against the examples' room server,
 * which is stopped and started again on the same port while the client runs.
 */
class TerminalClientTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClientOptions QUICK = ClientOptions.builder()
            .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(500)).build();

    @TempDir
    Path logs;

    private RoomServerProcess server;
    private RoomClient peer;

    @AfterEach
    void cleanUp() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static boolean isRoomMessage(String line, String content) {
        JsonNode message = json(line);
        return message.path("type").asText().equals("room_message") && message.path("content").asText().equals(content);
    }

    private static void type(PipedOutputStream keyboard, String line) {
        try {
            keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void itPrintsWhatComesSendsWhatIsTypedAndKeepsItsRoomAcrossAServerRestart() throws Exception {
        server = new RoomServerProcess(freePort(), logs.resolve("room-server.log")).start();
        String url = server.ws().toString();
        BlockingQueue<String> peerHeard = new LinkedBlockingQueue<>();
        ReconnectingClient.Builder peerBuilder = WsHubClient.builder(url).options(QUICK).onMessage(frame -> {
            JsonNode message = json(frame.text());
            if (message.path("type").asText().equals("room_message")) {
                peerHeard.add(message.path("content").asText());
            }
        });
        peer = RoomClient.connect(peerBuilder);
        peer.join("lobby").get(WAIT.toSeconds(), TimeUnit.SECONDS);

        PipedOutputStream keyboard = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(keyboard);
        Lines stdout = new Lines();
        Lines stderr = new Lines();
        // What is typed during the outage must find the peer back in the room: the terminal's
        // restore waits for the peer's (a test-only hook; the terminal itself re-joins on its own).
        AtomicReference<CompletableFuture<Void>> peerBack = new AtomicReference<>(CompletableFuture.completedFuture(null));
        ClientCommand command = new ClientCommand(stdin, stdout.printStream(), stderr.printStream())
                .customize(builder -> builder.options(QUICK).restoreHook(context -> peerBack.get()));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> new CommandLine(command).execute("--url", url, "--room", "lobby"));

        int joined = stdout.awaitLine(0, line -> json(line).path("type").asText().equals("room_joined"), WAIT);
        assertThat(json(stdout.all().get(0)).path("type").asText()).isEqualTo("welcome");
        stderr.awaitLine(0, line -> line.equals("[open] " + url), WAIT);

        type(keyboard, "hello from the terminal");
        assertThat(peerHeard.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hello from the terminal");
        peer.send("lobby", "hello terminal");
        int greeted = stdout.awaitLine(joined, line -> isRoomMessage(line, "hello terminal"), WAIT);
        assertThat(json(stdout.all().get(greeted)).path("from").asText()).isNotEmpty();
        // A second join would have been answered before the server took the typed line the peer answered.
        assertThat(stdout.all()).as("joined once, though --room is joined while the client still connects")
                .filteredOn(line -> json(line).path("type").asText().equals("room_joined")).hasSize(1);

        server.stop();
        stdout.awaitLine(greeted, line -> json(line).path("type").asText().equals("server_shutdown"), WAIT);
        int down = stderr.awaitLine(0, line -> line.equals("[reconnecting] " + url), WAIT);
        await().atMost(WAIT).until(() -> peer.client().state() == ClientState.RECONNECTING);
        peerBack.set(peer.client().whenOpen());
        type(keyboard, "typed during the outage 1");
        type(keyboard, "typed during the outage 2");
        server.start();

        stderr.awaitLine(down, line -> line.equals("[open] " + url), WAIT);
        assertThat(peerHeard.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("typed during the outage 1");
        assertThat(peerHeard.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("typed during the outage 2");
        peer.send("lobby", "welcome back");
        stdout.awaitLine(greeted, line -> isRoomMessage(line, "welcome back"), WAIT);

        keyboard.close();
        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(peerHeard.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void acrossCutsOfItsConnectionItPrintsEveryRoomMessageOnceInOrderAndEveryLineReachesTheRoomOnce() throws Exception {
        server = new RoomServerProcess(freePort(), logs.resolve("resume-server.log")).start();
        try (TcpProxy proxy = TcpProxy.to(server.port())) {
            String viaProxy = proxy.uri("ws", "/ws").toString();
            List<String> peerHeard = new CopyOnWriteArrayList<>();
            peer = RoomClient.connect(WsHubClient.builder(server.ws().toString()).options(QUICK).onMessage(frame -> {
                JsonNode message = json(frame.text());
                if (message.path("type").asText().equals("room_message") && message.path("from").asText().equals("term")) {
                    peerHeard.add(message.path("content").asText());
                }
            }));
            peer.join("lobby").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            PipedOutputStream keyboard = new PipedOutputStream();
            Lines stdout = new Lines();
            Lines stderr = new Lines();
            ClientCommand command = new ClientCommand(new PipedInputStream(keyboard), stdout.printStream(), stderr.printStream())
                    .customize(builder -> builder.options(QUICK));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                    () -> new CommandLine(command).execute("--url", viaProxy, "--room", "lobby", "--id", "term"));
            stderr.awaitLine(0, line -> line.startsWith("[open]"), WAIT);

            List<String> peerSent = new ArrayList<>();
            List<String> typed = new ArrayList<>();
            for (int i = 1; i <= 60; i++) {
                peerSent.add("p" + i);
                typed.add("t" + i);
                peer.send("lobby", "p" + i);
                type(keyboard, "t" + i);
                if (i % 20 == 0) {
                    int opens = i / 20; // one [open] for the first connection and one after each earlier cut
                    await("the terminal back after the last cut").atMost(WAIT)
                            .until(() -> stderr.all().stream().filter(l -> l.startsWith("[open]")).count() >= opens);
                    proxy.cut(); // mid-stream: room messages and typed lines on their way
                }
            }

            await().atMost(WAIT).until(() -> roomMessagesFrom(stdout, "p").size() >= 60 && peerHeard.size() >= 60
                    && stderr.all().stream().filter(l -> l.startsWith("[open]")).count() >= 4); // and back after the third cut
            assertThat(roomMessagesFrom(stdout, "p")).as("printed on stdout").containsExactlyElementsOf(peerSent);
            assertThat(peerHeard).as("what the room got of the typed lines").containsExactlyElementsOf(typed);
            assertThat(stderr.all()).contains("[recovered] lobby: nothing missed")
                    .noneMatch(line -> line.startsWith("[not recovered]") || line.startsWith("[not sent]"));
            keyboard.close();
            assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        }
    }

    /** The contents of the room messages printed on stdout whose content starts with {@code prefix}. */
    private static List<String> roomMessagesFrom(Lines stdout, String prefix) {
        return stdout.all().stream().map(TerminalClientTest::json)
                .filter(m -> m.path("type").asText().equals("room_message") && m.path("content").asText().startsWith(prefix))
                .map(m -> m.path("content").asText()).toList();
    }

    @Test
    void aTokenGoesWithEveryAttemptAndAWrongOneIsNotRetried() throws Exception {
        String secret = "a secret of the terminal test, 32 bytes or more";
        server = new RoomServerProcess(freePort(), logs.resolve("jwt-server.log"), "--jwt-secret", secret).start();
        String url = server.ws().toString();
        String good = JWT.create().withSubject("terminal").withExpiresAt(Instant.now().plusSeconds(600))
                .sign(Algorithm.HMAC256(secret));
        String forged = JWT.create().withSubject("terminal").withExpiresAt(Instant.now().plusSeconds(600))
                .sign(Algorithm.HMAC256(secret + "?"));

        Lines refusedErr = new Lines();
        ClientCommand refused = new ClientCommand(new PipedInputStream(new PipedOutputStream()), new Lines().printStream(),
                refusedErr.printStream()).customize(builder -> builder.options(QUICK));
        int refusedExit = CompletableFuture.supplyAsync(() -> new CommandLine(refused).execute("--url", url, "--token", forged))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(refusedExit).as("a 401 is not retried").isEqualTo(ClientCommand.GAVE_UP);
        assertThat(refusedErr.all()).anyMatch(line -> line.contains("401"));

        PipedOutputStream keyboard = new PipedOutputStream();
        Lines stdout = new Lines();
        Lines stderr = new Lines();
        ClientCommand accepted = new ClientCommand(new PipedInputStream(keyboard), stdout.printStream(), stderr.printStream())
                .customize(builder -> builder.options(QUICK));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> new CommandLine(accepted).execute("--url", url, "--token", good));
        stdout.awaitLine(0, line -> json(line).path("type").asText().equals("welcome"), WAIT);
        assertThat(json(stdout.all().get(0)).path("id").asText()).as("the token's sub").isEqualTo("terminal");
        keyboard.close();
        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    }

    @Test
    void overWssItTrustsTheCertificatesOfTrustCertAndSaysWhenItDoesNot() throws Exception {
        TestCertificates.Made certificate = TestCertificates.make(logs, "wshub-terminal", "EC");
        Server tls = SecureChatExample.startSecureChat(0, certificate.keyStore(), TestCertificates.PASSWORD);
        try {
            String url = "wss://localhost:" + SecureChatExample.port(tls) + "/ws";

            PipedOutputStream untrustedKeyboard = new PipedOutputStream();
            Lines untrustedErr = new Lines();
            ClientCommand untrusted = new ClientCommand(new PipedInputStream(untrustedKeyboard), new Lines().printStream(),
                    untrustedErr.printStream()).customize(builder -> builder.options(QUICK));
            CompletableFuture<Integer> untrustedExit = CompletableFuture.supplyAsync(
                    () -> new CommandLine(untrusted).execute("--url", url));
            untrustedErr.awaitLine(0, line -> line.startsWith("[retry] TLS handshake with " + url + " failed: the server's"
                    + " certificate is not trusted by this client"), WAIT);
            untrustedKeyboard.close();
            assertThat(untrustedExit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();

            PipedOutputStream keyboard = new PipedOutputStream();
            Lines stdout = new Lines();
            ClientCommand trusted = new ClientCommand(new PipedInputStream(keyboard), stdout.printStream(),
                    new Lines().printStream()).customize(builder -> builder.options(QUICK));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(trusted)
                    .execute("--url", url, "--trust-cert", certificate.certPem().toString()));
            int welcome = stdout.awaitLine(0, line -> json(line).path("type").asText().equals("welcome"), WAIT);
            type(keyboard, "{\"type\":\"ping\"}");
            stdout.awaitLine(welcome, line -> line.equals("{\"type\":\"pong\"}"), WAIT);
            keyboard.close();
            assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        } finally {
            tls.stop();
        }
    }

    @Test
    void aTrustCertFileThatCannotBeReadIsAUsageError() {
        Lines stderr = new Lines();
        ClientCommand command = new ClientCommand(new PipedInputStream(), new Lines().printStream(), stderr.printStream());
        CommandLine cli = new CommandLine(command).setErr(new PrintWriter(stderr.printStream(), true));

        int code = cli.execute("--url", "wss://127.0.0.1:9/ws", "--trust-cert", logs.resolve("missing.crt").toString());

        assertThat(code).isEqualTo(2);
        assertThat(stderr.all()).anyMatch(line -> line.contains("Invalid value for option '--trust-cert': cannot read"));
    }

    @Test
    void itAsksForItsIdAndGivesUpWhenAnotherClientHasIt() throws Exception {
        server = new RoomServerProcess(freePort(), logs.resolve("id-server.log")).start();
        String url = server.ws().toString();
        PipedOutputStream keyboard = new PipedOutputStream();
        Lines stdout = new Lines();
        ClientCommand alice = new ClientCommand(new PipedInputStream(keyboard), stdout.printStream(), new Lines().printStream())
                .customize(builder -> builder.options(QUICK));
        CompletableFuture<Integer> aliceExit = CompletableFuture.supplyAsync(
                () -> new CommandLine(alice).execute("--url", url, "--id", "alice"));
        stdout.awaitLine(0, line -> json(line).path("type").asText().equals("welcome"), WAIT);
        assertThat(json(stdout.all().get(0)).path("id").asText()).isEqualTo("alice");

        Lines secondErr = new Lines();
        ClientCommand second = new ClientCommand(new PipedInputStream(new PipedOutputStream()), new Lines().printStream(),
                secondErr.printStream()).customize(builder -> builder.options(QUICK));
        int secondExit = CompletableFuture.supplyAsync(() -> new CommandLine(second).execute("--url", url, "--id", "alice"))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(secondExit).as("a taken id is not retried").isEqualTo(ClientCommand.GAVE_UP);
        assertThat(secondErr.all()).containsExactly("[gave up] handshake with " + url + "?id=alice refused: HTTP 409",
                "[closed] " + url + "?id=alice");
        keyboard.close();
        assertThat(aliceExit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aBadIdIsAUsageError() {
        Lines stderr = new Lines();
        ClientCommand command = new ClientCommand(new PipedInputStream(), new Lines().printStream(), stderr.printStream());
        CommandLine cli = new CommandLine(command).setErr(new PrintWriter(stderr.printStream(), true));

        assertThat(cli.execute("--url", "ws://127.0.0.1:9/ws", "--id", "no spaces")).isEqualTo(2);
        assertThat(cli.execute("--url", "ws://127.0.0.1:9/ws?id=a", "--id", "b")).isEqualTo(2);

        assertThat(stderr.all()).anyMatch(line -> line.contains("Invalid value for option '--id'"))
                .anyMatch(line -> line.contains("Give the session id with --id or in the URL's query, not both"));
    }

    @Test
    void aBadRoomNameIsAUsageError() {
        Lines stderr = new Lines();
        ClientCommand command = new ClientCommand(new PipedInputStream(), new Lines().printStream(), stderr.printStream());
        CommandLine cli = new CommandLine(command).setErr(new PrintWriter(stderr.printStream(), true));

        int code = cli.execute("--url", "ws://127.0.0.1:9/ws", "--room", "no spaces");

        assertThat(code).isEqualTo(2);
        assertThat(stderr.all()).anyMatch(line -> line.contains("Invalid value for option '--room'"));
    }
}
