package io.wshub.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real three-shard Redis Cluster for one test class: three {@code redis-server --cluster-enabled
 * yes} primaries on free ports (each with its cluster bus on port + 10000) in a temporary directory,
 * joined by {@code redis-cli --cluster create} with no replicas, without persistence. Slots are
 * split as {@code redis-cli} splits them: 0–5460, 5461–10922, 10923–16383. A primary can be
 * restarted: it comes back empty and takes its slots again (its nodes.conf is kept).
 */
final class RedisClusterServer implements AutoCloseable {

    static final int SHARDS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final long STOP_TIMEOUT_SECONDS = 5;

    private final Path dir;
    private final int[] ports = new int[SHARDS];
    private final Process[] processes = new Process[SHARDS];

    private RedisClusterServer(Path dir) {
        this.dir = dir;
    }

    /** Starts the three primaries and makes them one cluster; skips (fails under CI=true) without redis-server. */
    static RedisClusterServer start() throws IOException, InterruptedException {
        RedisServer.requireInstalled(findOnPath("redis-server"), System.getenv("CI"));
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "redis-logs")), "cluster-");
        RedisClusterServer cluster = new RedisClusterServer(dir);
        try {
            for (int i = 0; i < SHARDS; i++) {
                cluster.ports[i] = freePortWithFreeBus(cluster.ports);
                cluster.launch(i);
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (int port : cluster.ports) {
                create.add("127.0.0.1:" + port);
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            cluster.run(create);
            for (int i = 0; i < SHARDS; i++) {
                cluster.awaitClusterOk(i);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** The broker's URI: every primary as a seed. */
    String uri() {
        StringBuilder uri = new StringBuilder("redis-cluster://");
        for (int i = 0; i < SHARDS; i++) {
            uri.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ports[i]);
        }
        return uri.toString();
    }

    /** The shard (0, 1, 2) whose slots hold this key, as redis-cli split them. */
    static int shardOf(String key) {
        int slot = io.lettuce.core.cluster.SlotHash.getSlot(key);
        return slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
    }

    /** The keys matching the pattern that shard i holds. */
    List<String> keys(int shard, String pattern) throws IOException, InterruptedException {
        String out = run(List.of("redis-cli", "-p", Integer.toString(ports[shard]), "--scan", "--pattern", pattern));
        return out.isBlank() ? List.of() : List.of(out.trim().split("\\R"));
    }

    /** Kills shard i's primary and starts it again, empty, on its port; returns once the cluster is whole again. */
    void restart(int shard) throws IOException, InterruptedException {
        stop(shard);
        launch(shard);
        for (int i = 0; i < SHARDS; i++) {
            awaitClusterOk(i);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < SHARDS; i++) {
            stop(i);
        }
    }

    private void stop(int i) {
        Process p = processes[i];
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processes[i] = null;
    }

    private void launch(int i) throws IOException {
        Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(ports[i])));
        processes[i] = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(ports[i]),
                "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "1000", "--save", "", "--appendonly", "no"))
                .directory(nodeDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("log.txt").toFile()))
                .start();
        await("redis-server on port " + ports[i]).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> !processes[i].isAlive() || answers(i));
        if (!processes[i].isAlive()) {
            throw new AssertionError("redis-server exited at start on port " + ports[i] + "; see " + nodeDir);
        }
    }

    private boolean answers(int i) {
        try {
            return run(List.of("redis-cli", "-p", Integer.toString(ports[i]), "ping")).contains("PONG");
        } catch (IOException | InterruptedException | AssertionError e) {
            return false;
        }
    }

    private void awaitClusterOk(int i) {
        await("cluster state ok on port " + ports[i]).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> run(List.of("redis-cli", "-p", Integer.toString(ports[i]), "cluster", "info"))
                        .contains("cluster_state:ok"));
    }

    /** Runs a command to its end (bounded), returning its output; fails when it fails. */
    private String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + START_TIMEOUT);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + out);
        }
        return out;
    }

    /** A free port whose cluster bus port (+10000) is free too, and not one already taken here. */
    private static int freePortWithFreeBus(int[] taken) throws IOException {
        for (;;) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            if (port + 10_000 > 65_535 || java.util.Arrays.stream(taken).anyMatch(t -> t == port)) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10_000)) {
                return port;
            } catch (IOException inUse) {
                // try another
            }
        }
    }

    private static Path findOnPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
