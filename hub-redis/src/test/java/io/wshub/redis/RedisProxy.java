package io.wshub.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy in front of a Redis, for faults that Redis itself never shows:
 * <ul>
 *   <li>{@link #blackHole(boolean)}: connections accepted from then on reach nothing and hear
 *       nothing (a node cannot join; its connects time out);</li>
 *   <li>{@link #muteSubscriptions()}: every connection that has sent {@code SUBSCRIBE} stays open
 *       but gets nothing more from Redis: a subscription that silently delivers nothing, while
 *       commands (a {@code PING}, a {@code PUBLISH}) on other connections are answered;</li>
 *   <li>{@link #delaySubscriptions(Duration)}: every {@code SUBSCRIBE} (and {@code UNSUBSCRIBE})
 *       reaches Redis that much later, as over a slow network: a subscription stands late.</li>
 * </ul>
 */
final class RedisProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int redisPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean blackHole;
    private volatile boolean muted;
    private volatile long subscribeDelayNanos;

    private RedisProxy(int redisPort) throws IOException {
        this.redisPort = redisPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("redis-proxy-accept", this::accept);
    }

    /** A proxy to the Redis on this local port. */
    static RedisProxy to(int redisPort) throws IOException {
        return new RedisProxy(redisPort);
    }

    String uri() {
        return "redis://127.0.0.1:" + listener.getLocalPort();
    }

    /** Connections accepted from now on go nowhere (true), or to Redis (false). */
    void blackHole(boolean on) {
        blackHole = on;
    }

    /** Connections that subscribed get nothing more from Redis, from now on. */
    void muteSubscriptions() {
        muted = true;
    }

    /** Each chunk carrying a (un)subscribe goes to Redis this much later, from now on. */
    void delaySubscriptions(Duration delay) {
        subscribeDelayNanos = delay.toNanos();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                if (blackHole) {
                    daemon("redis-proxy-hole", () -> pump(client, null, null));
                    continue;
                }
                Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                sockets.add(redis);
                AtomicBoolean subscriber = new AtomicBoolean();
                daemon("redis-proxy-up", () -> pump(client, redis, subscriber));
                daemon("redis-proxy-down", () -> pumpDown(redis, client, subscriber));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Client to Redis (or to nowhere when {@code to} is null), noting a SUBSCRIBE. */
    private void pump(Socket from, Socket to, AtomicBoolean subscriber) {
        copy(from, to, (buf, n) -> {
            if (subscriber != null && new String(buf, 0, n, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT)
                    .contains("SUBSCRIBE")) {
                subscriber.set(true);
                lag(subscribeDelayNanos);
            }
            return true;
        });
    }

    /** Redis to the client, dropped once muted for a subscriber. */
    private void pumpDown(Socket from, Socket to, AtomicBoolean subscriber) {
        copy(from, to, (buf, n) -> !(muted && subscriber.get()));
    }

    /** The slow network this proxy plays: holds the bytes this long (parking may wake early). */
    private static void lag(long nanos) {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** What to do with bytes read: whether to pass them on. */
    private interface Filter {
        boolean pass(byte[] buf, int n);
    }

    private static void copy(Socket from, Socket to, Filter filter) {
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to == null ? null : to.getOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (filter.pass(buf, n) && out != null) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the other side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(RedisProxy::closeQuietly);
    }
}
