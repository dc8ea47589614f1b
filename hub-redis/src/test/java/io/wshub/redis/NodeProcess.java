package io.wshub.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A test node in a JVM of its own, so a test can kill it like a crash: no shutdown, no goodbye,
 * its Redis connections cut by the operating system. Its sessions join one room, then it waits.
 *
 * <p>Run as {@code NodeProcess <redis uri> <key prefix> <node id> <room> <session id>...}.
 */
final class NodeProcess implements AutoCloseable {

    static final String READY = "READY";
    /** A JVM start on a busy 2-core machine, plus the node's registration. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;

    private NodeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The child's entry point. */
    public static void main(String[] args) throws Exception {
        TestNode node = new TestNode(args[0], args[1], args[2]).awaitUp();
        for (int i = 4; i < args.length; i++) {
            node.connect(args[i]).join(args[3]);
        }
        System.out.println(READY);
        System.out.flush();
        while (System.in.read() != -1) {
            // wait to be killed; a closed stdin (the test JVM gone) ends it gracefully
        }
        node.close();
    }

    /** Starts a node process and waits until its sessions are in the room. */
    static NodeProcess start(String redisUri, String prefix, String nodeId, String room, String... sessionIds)
            throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "redis-logs"));
        Path log = Files.createTempFile(logs, nodeId + "-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", // a small, quickly started JVM
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                NodeProcess.class.getName(), redisUri, prefix, nodeId, room));
        command.addAll(List.of(sessionIds));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        NodeProcess node = new NodeProcess(process, log);
        node.awaitReady();
        return node;
    }

    private void awaitReady() throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String first;
        try {
            first = line.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            first = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            first = null;
        }
        if (!READY.equals(first)) {
            kill();
            throw new AssertionError("node process not ready within " + START_TIMEOUT + " (said " + first + "); its log:\n"
                    + Files.readString(log));
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would, and waits for it to be gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("node process did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
