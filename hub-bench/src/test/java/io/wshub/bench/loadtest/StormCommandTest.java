package io.wshub.bench.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wshub.Hub;
import io.wshub.jetty.WshubHandler;
import io.wshub.operations.OperationsHandler;
import io.wshub.protocol.RoomProtocol;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code loadtest storm} through the command line: its options are checked before anything
 * connects, and a short storm against a room server in this JVM that is stopped and started
 * again on the same port comes back whole.
 */
@Timeout(60)
class StormCommandTest {

    private record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    /** A stderr that completes a future once the storm asks for the restart. */
    private static final class Announcements extends StringWriter {
        final CompletableFuture<Void> ready = new CompletableFuture<>();

        @Override
        public void flush() {
            super.flush();
            if (getBuffer().indexOf("restart the server now") >= 0) {
                ready.complete(null);
            }
        }
    }

    private static Run loadtest(StringWriter err, String... args) {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new LoadTestCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Run loadtest(String... args) {
        return loadtest(new StringWriter(), args);
    }

    @Test
    void optionsOutOfRangeAreUsageErrorsNamingTheOption() {
        Run rooms = loadtest("storm", "-n", "10", "--rooms", "11");
        assertThat(rooms.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(rooms.err()).contains("--rooms must be in 1..10, was 11");

        assertThat(loadtest("storm", "--retry-ms", "0").err()).contains("--retry-ms must be in 1..60000, was 0");
        assertThat(loadtest("storm", "-d", "601").err()).contains("--duration must be in 1.0..600.0 seconds");
        assertThat(loadtest("storm", "--settle", "-1").err()).contains("--settle must be in 0.0..60.0 seconds");
        assertThat(loadtest("storm", "--handshakes", "0").err()).contains("--handshakes must be in 1..4096");
        assertThat(loadtest("storm", "--url", "ws://192.0.2.1:8080").err()).contains("only targets loopback addresses");
    }

    @Test
    void aReadyFileLeftFromAnEarlierRunOrAnEmptyPidFileIsRefused(@TempDir Path dir) throws Exception {
        Path stale = Files.writeString(dir.resolve("ready"), "1\n");
        Run ready = loadtest("storm", "--ready-file", stale.toString());
        assertThat(ready.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(ready.err()).contains("exists already; remove it first");

        Path empty = Files.writeString(dir.resolve("server.pid"), "");
        Run pid = loadtest("storm", "--server-pid-file", empty.toString());
        assertThat(pid.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(pid.err()).contains("holds no pid");
    }

    @Test
    void clientsComeBackWhenTheServerIsStoppedAndStartedAgainOnTheSamePort(@TempDir Path dir) throws Exception {
        Server first = startRoomServer(0);
        int port = ((ServerConnector) first.getConnectors()[0]).getLocalPort();
        Path ready = dir.resolve("ready");
        Path pidFile = Files.writeString(dir.resolve("server.pid"), ProcessHandle.current().pid() + "\n");
        Announcements err = new Announcements();
        CompletableFuture<Run> storm = CompletableFuture.supplyAsync(() -> loadtest(err, "storm",
                "--url", "ws://127.0.0.1:" + port, "-n", "12", "--rooms", "3", "--retry-ms", "50", "--settle", "0.2",
                "-d", "40", "--server-pid-file", pidFile.toString(), "--ready-file", ready.toString(), "--json"));
        Server second = null;
        try {
            err.ready.get(30, TimeUnit.SECONDS);
            assertThat(ready).exists();
            first.stop(); // closes every session (1001): all clients lose their connection
            second = startRoomServer(port);
            Run run = storm.get(45, TimeUnit.SECONDS);

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode report = run.json();
            assertThat(report.get("scenario").asText()).isEqualTo("storm");
            assertThat(report.get("url").asText()).isEqualTo("ws://127.0.0.1:" + port + "/ws");
            assertThat(report.get("baseline").asBoolean()).isTrue();
            assertThat(report.get("outage").asBoolean()).isTrue();
            assertThat(report.get("allBack").asBoolean()).isTrue();
            assertThat(report.get("recoverySeconds").asDouble()).isPositive();
            assertThat(report.get("maxBack").asInt()).isEqualTo(12);
            assertThat(report.get("attemptsOpened").asLong()).isGreaterThanOrEqualTo(12);
            assertThat(report.get("baselineClosesAfterBack").asLong()).isGreaterThanOrEqualTo(6);
            assertThat(report.get("messages").asLong()).isGreaterThanOrEqualTo(2 * 12); // a welcome and a room_joined each
            assertThat(report.get("serverCpuSeconds").isNumber()).isTrue();
            assertThat(run.err()).contains("storm: all 12 clients connected; restart the server now");
        } finally {
            storm.cancel(true);
            first.stop();
            if (second != null) {
                second.stop();
            }
        }
    }

    /** The room protocol on {@code /ws}, as the room server mounts it, on a loopback port (0: any free one). */
    private static Server startRoomServer(int port) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        WshubHandler wshub = WshubHandler.builder(server)
                .mount("/ws", Hub.builder().handler(RoomProtocol.router().build()).build())
                .build();
        wshub.setHandler(OperationsHandler.builder(wshub.hubs()).health("/health").build());
        server.setHandler(wshub);
        server.start();
        return server;
    }
}
