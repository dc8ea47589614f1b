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
 * <p>Run as {@code NodeProcess <redis uri> <key prefix> <node id> <room> <session id>...}. A room
 * given as {@code +room} runs the node with the delivery guarantees ({@link TestNode#guarantees()}),
 * and each session sends a room message with the ref {@link #ONCE}; the node tells, before it is
 * ready, each session's resume token and the room's position, that message's seq ({@link #sessions()}); {@link #cutSessions()} then drops their connections.
 */
final class NodeProcess implements AutoCloseable {

    static final String READY = "READY";
    /** What the test writes to cut the node's sessions off (their connections drop; the node holds them). */
    static final String CUT = "CUT";
    /** The ref of the room message each session of a guaranteed node sends before it is ready. */
    static final String ONCE = "once";
    /** The system property that tells the child its resume window (ms). */
    private static final String RESUME_WINDOW_MS = "wshub.test.resumeWindowMs";
    /** A JVM start on a busy 2-core machine, plus the node's registration. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    /** What the node told of its sessions: id, resume token, room epoch, room seq (its message's), inbox epoch; one array each. */
    private final List<String[]> sessions = new ArrayList<>();

    private NodeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The child's entry point. */
    public static void main(String[] args) throws Exception {
        boolean guaranteed = args[3].startsWith("+");
        String room = guaranteed ? args[3].substring(1) : args[3];
        Duration window = Duration.ofMillis(Long.getLong(RESUME_WINDOW_MS, TestNode.guarantees().resumeWindow().toMillis()));
        TestNode node = guaranteed ? new TestNode(args[0], args[1], args[2], TestNode.guarantees(window)).awaitUp()
                : new TestNode(args[0], args[1], args[2]).awaitUp();
        List<io.wshub.testing.Peer> peers = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            if (guaranteed) {
                io.wshub.testing.Peer peer = new io.wshub.testing.Peer(node.transport.connect(args[i]));
                peers.add(peer);
                com.fasterxml.jackson.databind.JsonNode welcome = peer.next("welcome");
                com.fasterxml.jackson.databind.JsonNode joined = peer.join(room);
                peer.sendJson("room_message", "room", room, "content", "once", "ref", ONCE); // a ref it handled
                long acked = peer.next("ack").path("seq").asLong();
                System.out.println("SESSION " + args[i] + " " + welcome.path("resume").asText() + " "
                        + joined.path("epoch").asText() + " " + acked + " "
                        + welcome.path("inbox").path("epoch").asText());
            } else {
                node.connect(args[i]).join(room);
            }
        }
        System.out.println(READY);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command = in.readLine(); command != null; command = in.readLine()) {
            if (command.equals(CUT)) { // wait to be killed; a closed stdin (the test JVM gone) ends it gracefully
                peers.forEach(p -> p.client().abort());
            }
        }
        node.close();
    }

    /** Starts a node process and waits until its sessions are in the room. */
    static NodeProcess start(String redisUri, String prefix, String nodeId, String room, String... sessionIds)
            throws IOException {
        return start(TestNode.guarantees().resumeWindow(), redisUri, prefix, nodeId, room, sessionIds);
    }

    /** The same, a guaranteed node's sessions held for this resume window. */
    static NodeProcess start(Duration resumeWindow, String redisUri, String prefix, String nodeId, String room,
                             String... sessionIds) throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "redis-logs"));
        Path log = Files.createTempFile(logs, nodeId + "-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", // a small, quickly started JVM
                "-D" + RESUME_WINDOW_MS + "=" + resumeWindow.toMillis(),
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
        CompletableFuture<String> line = nextLine(out);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String first;
        for (;;) {
            try {
                first = line.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                first = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                first = null;
            }
            if (first == null || !first.startsWith("SESSION ")) {
                break;
            }
            sessions.add(first.substring("SESSION ".length()).split(" "));
            line = nextLine(out);
        }
        if (!READY.equals(first)) {
            kill();
            throw new AssertionError("node process not ready within " + START_TIMEOUT + " (said " + first + "); its log:\n"
                    + Files.readString(log));
        }
    }

    private static CompletableFuture<String> nextLine(BufferedReader out) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** What a guaranteed node told of its sessions, in order: id, resume token, room epoch, room seq, inbox epoch. */
    List<String[]> sessions() {
        return sessions;
    }

    /** Cuts the node's sessions off: it holds them for resume, as after a network failure. */
    void cutSessions() throws IOException {
        process.getOutputStream().write((CUT + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
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
