package io.wshub.examples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JavaScript client's own tests ({@code node --test}), run by the Maven build: against a
 * scripted server, and end to end against the room server through a proxy that cuts connections.
 */
class JavaScriptClientTest {

    static final Path CLIENT = Path.of("../clients/javascript").toAbsolutePath().normalize();
    private static final long TIMEOUT_SECONDS = 120;

    @BeforeAll
    static void nodeIsThere() throws Exception {
        String version = nodeVersion();
        String problem = version == null ? "node not found"
                : Integer.parseInt(version.replaceFirst("^v(\\d+).*", "$1").trim()) < 20 ? "node " + version + " is older than 20" : null;
        if (problem == null) {
            return;
        }
        String message = problem + ": install Node.js 20 or later (see the README)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + "; CI=true, so the JavaScript client's tests may not be skipped");
        }
        System.err.println("SKIPPED the JavaScript client's tests: " + message);
        throw new TestAbortedException(message);
    }

    @Test
    void theClientKeepsItsPromisesAgainstAScriptedServer() throws Exception {
        assertPasses(node(Map.of(), "--test", "test/client.test.js"));
    }

    @Test
    void aMemberCutOffByAProxyComesBackWithEveryMessageOnceFromTheRoomServer() throws Exception {
        try (ServerFixture server = ServerFixture.start(ExampleServer.ROOM)) {
            assertPasses(node(Map.of("WSHUB_URL", server.ws("/ws").toString()),
                    "--experimental-websocket", "--test", "test/e2e.test.js"));
        }
    }

    /** Runs node in the client's folder with these arguments and environment; its output, and whether it passed. */
    static NodeRun node(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(List.of(args));
        File output = Files.createTempFile("wshub-node", ".txt").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).directory(CLIENT.toFile())
                .redirectErrorStream(true).redirectOutput(output);
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean ended = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String text = Files.readString(output.toPath());
        output.delete();
        return new NodeRun(ended ? process.exitValue() : -1, ended, text);
    }

    static void assertPasses(NodeRun run) {
        assertThat(run.ended()).as("node ended within %d s:%n%s", TIMEOUT_SECONDS, run.output()).isTrue();
        assertThat(run.exitCode()).as("node --test passed:%n%s", run.output()).isZero();
        assertThat(run.output()).as("it ran tests").containsPattern("# pass [1-9]").contains("# fail 0");
    }

    private static String nodeVersion() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return new String(p.getInputStream().readAllBytes()).trim();
        } catch (IOException e) {
            return null;
        }
    }

    record NodeRun(int exitCode, boolean ended, String output) {
    }
}
