package io.wshub.bench.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.InProcessBroker;
import io.wshub.RateLimit;
import io.wshub.jetty.WshubHandler;
import io.wshub.protocol.RawRelayHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Short runs of every scenario through the command line against servers in this JVM on
 * ephemeral ports: the raw-Jetty floor and wshub. Nothing about speed is asserted: only that the
 * tool connects, counts, measures and reports.
 */
@Timeout(60)
class LoadTestEndToEndTest {

    private static final String PID = Long.toString(ProcessHandle.current().pid());

    @AfterAll
    static void stopServers() throws Exception {
        ServerUnderTest.stopAll();
    }

    private record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    private static Run loadtest(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new LoadTestCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] against(ServerUnderTest server, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", server.url(), "--server-pid", PID, "--json"));
        return all.toArray(String[]::new);
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.class)
    void echoLoopsRoundTripsAndReportsTheirLatencyAndTheServersCpu(ServerUnderTest server) throws Exception {
        Run run = loadtest(against(server, "echo", "-c", "4", "-s", "100", "-w", "0.5", "-d", "2"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = run.json();
        assertThat(report.get("scenario").asText()).isEqualTo("echo");
        assertThat(report.get("url").asText()).isEqualTo(server.url() + "/echo");
        assertThat(report.get("connections").asInt()).isEqualTo(4);
        assertThat(report.get("roundTrips").asLong()).isPositive();
        assertThat(report.get("latencyCount").asLong()).isPositive();
        assertThat(report.get("latencyP99Ms").asDouble()).isGreaterThanOrEqualTo(report.get("latencyP50Ms").asDouble());
        assertThat(report.get("serverCpuMsPer1000").isNumber()).isTrue();
        assertThat(report.get("errors").asLong()).isZero();
        assertThat(run.err()).contains("measure | connections 4/4 | round trips");
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.class)
    void fanoutAtASteadyRateDeliversEveryMeasuredMessageToEverySubscriber(ServerUnderTest server) throws Exception {
        Run run = loadtest(against(server, "fanout", "-n", "5", "-r", "50", "-w", "0.5", "-d", "1"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = run.json();
        long sent = report.get("messagesSent").asLong();
        assertThat(sent).isPositive();
        assertThat(report.get("expected").asLong()).isEqualTo(5 * sent);
        assertThat(report.get("lost").asLong()).isZero();
        assertThat(report.get("outOfOrder").asLong()).isZero();
        assertThat(report.get("latencyCount").asLong()).isEqualTo(5 * sent);
        assertThat(report.get("deliveries").asLong()).isPositive();
        assertThat(report.get("errors").asLong()).isZero();
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.class)
    void fanoutPacedOnTheSlowestSubscriberLosesNothingAndGivesUpOnNoOne(ServerUnderTest server) throws Exception {
        Run run = loadtest(against(server, "fanout", "-n", "5", "-r", "0", "-W", "8", "-w", "0.5", "-d", "1"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = run.json();
        assertThat(report.get("messagesSent").asLong()).isPositive();
        assertThat(report.get("lost").asLong()).isZero();
        assertThat(report.get("stalledSubscribers").asInt()).isZero();
        assertThat(report.get("rate").asText()).isEqualTo("as fast as the slowest subscriber (window 8)");
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.class)
    void overloadMixesSubscribersThatStopReadingWithOnesThatReadAndTellsWhatBecameOfEach(ServerUnderTest server)
            throws Exception {
        Run run = loadtest(against(server, "overload", "-n", "5", "--stalled", "2", "-r", "50", "-w", "0.5", "-d", "1"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = run.json();
        assertThat(report.get("scenario").asText()).isEqualTo("overload");
        long sent = report.get("messagesSent").asLong();
        assertThat(sent).isPositive();
        assertThat(report.get("expected").asLong()).isEqualTo(5 * sent); // the held are not counted among them
        assertThat(report.get("lost").asLong()).isZero();
        assertThat(report.get("subscribersDropped").asLong()).isZero();
        assertThat(report.get("held").asInt()).isEqualTo(2);
        // At 50 messages/s the kernel's buffers hold what the stalled do not read: nobody is dropped,
        // and once they read again they get everything.
        assertThat(report.get("heldDropped").asLong()).isZero();
        assertThat(report.get("heldReceived").asLong()).isPositive();
    }

    @Test
    void conflationFeedsAConflatingRoomAndChecksEveryMemberEndsWithTheLastValueOfEveryKey() throws Exception {
        Run run = loadtest(against(ServerUnderTest.WSHUB, "conflation", "-n", "3", "--stalled", "2", "-k", "5",
                "-r", "100", "-w", "0.3", "-d", "1"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = run.json();
        assertThat(report.get("scenario").asText()).isEqualTo("conflation");
        assertThat(report.get("url").asText()).isEqualTo(ServerUnderTest.WSHUB.url() + "/ws");
        long sent = report.get("messagesSent").asLong();
        assertThat(sent).isGreaterThan(5);
        assertThat(report.get("readersWithEveryLatest").asLong()).isEqualTo(3);
        assertThat(report.get("heldWithEveryLatest").asLong()).isEqualTo(2);
        assertThat(report.get("readersDropped").asLong()).isZero();
        assertThat(report.get("heldDropped").asLong()).isZero();
        assertThat(report.get("heldReceived").asLong()).isBetween(2L * 5, 2 * sent);
        assertThat(report.get("errors").asLong()).isZero();
        assertThat(run.err()).contains("| connections 6/6 | sent"); // the members and the publisher
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.class)
    void idleHoldsTheConnectionsAndReportsMemoryPerConnection(ServerUnderTest server) throws Exception {
        Run run = loadtest(against(server, "idle", "-n", "20", "-H", "0.5"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = run.json();
        assertThat(report.get("connections").asInt()).isEqualTo(20);
        assertThat(report.get("openAtEnd").asInt()).isEqualTo(20);
        assertThat(report.get("sourceAddresses").asInt()).isEqualTo(1);
        assertThat(report.get("serverRssPerConnectionKiB").isNumber()).isTrue();
        assertThat(report.get("serverHeapPerConnectionKiB").isNumber()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ServerUnderTest.class)
    void idleSpreadsConnectionsOverSeveralLoopbackSourceAddresses(ServerUnderTest server) throws Exception {
        Run run = loadtest(against(server, "idle", "-n", "6", "--per-address", "2", "-H", "0.2"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = run.json();
        assertThat(report.get("sourceAddresses").asInt()).isEqualTo(3);
        assertThat(report.get("openAtEnd").asInt()).isEqualTo(6);
    }

    @Test
    void fanoutAcrossTwoNodesPublishesOnOneAndDeliversOnTheOther() throws Exception {
        InProcessBroker.Cluster cluster = new InProcessBroker.Cluster();
        try (Node a = Node.start(cluster); Node b = Node.start(cluster)) {
            Run run = loadtest("fanout", "--url", a.url(), "--subscriber-url", b.url(), "--subscriber-url", a.url(),
                    "-n", "6", "-r", "50", "-w", "0.5", "-d", "1", "--json");

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode report = run.json();
            long sent = report.get("messagesSent").asLong();
            assertThat(sent).isPositive();
            assertThat(report.get("subscriberUrls").asText()).isEqualTo(b.url() + "/broadcast " + a.url() + "/broadcast");
            assertThat(report.get("lost").asLong()).isZero();
            assertThat(report.get("latencyCount").asLong()).isEqualTo(6 * sent);
            assertThat(b.relayed()).as("the subscribers on b got the messages published on a through the broker")
                    .isPositive();
        }
    }

    /** A wshub broadcast node of an in-process cluster, on an ephemeral port. */
    private record Node(Server server, Hub hub) implements AutoCloseable {
        static Node start(InProcessBroker.Cluster cluster) throws Exception {
            Hub hub = Hub.builder().options(HubOptions.builder().rateLimit(RateLimit.UNLIMITED).build())
                    .handler(new RawRelayHandler()).broker(cluster.newNode()).build();
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            server.setHandler(WshubHandler.builder(server).mount("/broadcast", hub).build());
            server.start();
            return new Node(server, hub);
        }

        String url() {
            return "ws://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        }

        long relayed() {
            return hub.stats().messagesOut();
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }

    @Test
    void theSummaryIsATableWithoutJson() throws Exception {
        String url = ServerUnderTest.RAW_JETTY.url();
        Run run = loadtest("echo", "--url", url, "-c", "1", "-w", "0", "-d", "0.2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("loadtest echo  " + url + "/echo\n").contains("  round trips/s ");
    }

    @Test
    void aServerOffThisMachineIsRefusedAsAUsageError() {
        Run run = loadtest("echo", "--url", "ws://192.0.2.1:8080");

        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("refusing to load-test 192.0.2.1 (192.0.2.1): the load tool only targets loopback");
    }

    @Test
    void aServerThatIsNotListeningFailsTheRunWithTheReason() {
        Run run = loadtest("echo", "--url", "ws://127.0.0.1:1", "-c", "2", "--connect-timeout", "5");

        assertThat(run.exitCode()).isEqualTo(ScenarioCommand.FAILED);
        assertThat(run.err()).contains("loadtest: no connection opened; first error: connect:");
    }

    @Test
    void withoutAScenarioTheUsageIsShown() {
        Run run = loadtest();

        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("Usage: loadtest", "echo", "fanout", "overload", "conflation", "idle");
    }
}
