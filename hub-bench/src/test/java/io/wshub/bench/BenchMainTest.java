package io.wshub.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar wshub-bench.jar <tool> ...}: each tool under its name, as a process. */
class BenchMainTest {

    private static final Pattern LISTENING = Pattern.compile("raw-jetty listening on 127\\.0\\.0\\.1:(\\d+)");

    private Process process;

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void helpListsEveryTool() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = BenchMain.withoutTool(new String[] {"--help"}, new PrintStream(out, true), new PrintStream(err, true));

        assertThat(code).isZero();
        assertThat(out.toString()).contains("loadtest <echo|fanout|idle|storm>", "raw-jetty [--host H]",
                "compare-table DIR", "benchmarks.jar");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anUnknownToolOrNoneIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true);

        assertThat(BenchMain.withoutTool(new String[] {"loadtset"}, out, errors)).isEqualTo(2);
        assertThat(err.toString()).contains("unknown tool: loadtset", "usage: java -jar wshub-bench.jar <tool>");
        assertThat(BenchMain.withoutTool(new String[0], out, errors)).isEqualTo(2);
    }

    @Test
    void loadtestRunsTheLoadTool() throws Exception {
        Result result = run(List.of(), "loadtest", "echo", "--help");

        assertThat(result.code()).as(result.output()).isZero();
        assertThat(result.output()).contains("Usage: loadtest echo", "--connections");
    }

    @Test
    void compareTableRunsTheTableAndSaysHowToCallIt() throws Exception {
        Result result = run(List.of(), "compare-table");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.output()).contains("usage: java -jar wshub-bench.jar compare-table DIR SCENARIO:FIGURE");
    }

    @Test
    void rawJettyRunsTheFloorWithoutTheLoadToolsClasses(@TempDir Path dir) throws Exception {
        Path classLog = dir.resolve("classes.log");
        process = start(List.of("-Xlog:class+load=info:file=" + classLog), "raw-jetty", "--port", "0");
        BlockingQueue<String> lines = lines(process);
        int port = -1;
        List<String> seen = new ArrayList<>();
        while (port < 0) {
            String line = lines.poll(20, TimeUnit.SECONDS);
            assertThat(line).as("the floor did not say it was listening: %s", seen).isNotNull();
            seen.add(line);
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            }
        }

        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"broadcastSessions\":0");
        assertThat(Files.readString(classLog)).contains("io.wshub.bench.RawJettyServer")
                .doesNotContain("picocli.", "io.wshub.bench.loadtest.", "org.HdrHistogram.");
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> jvmOptions, String... args) throws Exception {
        Process p = start(jvmOptions, args);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(output).isTrue();
        return new Result(p.exitValue(), output);
    }

    /** {@code java -cp <the test class path> io.wshub.bench.BenchMain ARGS}, stderr into stdout. */
    private static Process start(List<String> jvmOptions, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, BenchMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "raw-jetty-output");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
