package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.Handshake;
import io.wshub.Hub;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionListener;
import io.wshub.spi.SendCallback;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport connection that records what the hub does to it and completes every write at
 * once, so tests can see the exact frames, pings and closes.
 */
final class CapturingConnection implements Connection {

    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final List<CloseStatus> closes = new CopyOnWriteArrayList<>();
    final AtomicInteger pings = new AtomicInteger();
    final AtomicInteger demands = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();
    ConnectionListener listener;

    /** Admits and opens this connection on the hub. */
    CapturingConnection openOn(Hub hub) {
        Admission admission = hub.acceptor().admit(Handshake.builder().path("/ws").build());
        listener = ((Admission.Accepted) admission).open(this);
        return this;
    }

    List<Message> sent() {
        return List.copyOf(sent);
    }

    List<CloseStatus> closes() {
        return List.copyOf(closes);
    }

    @Override
    public void send(Message[] frames, int count, SendCallback callback) {
        for (int i = 0; i < count; i++) {
            sent.add(frames[i]);
        }
        callback.succeeded();
    }

    @Override
    public void ping(ByteBuffer payload) {
        pings.incrementAndGet();
    }

    @Override
    public void close(CloseStatus status) {
        closes.add(status);
    }

    @Override
    public void abort() {
        aborts.incrementAndGet();
    }

    @Override
    public void demand() {
        demands.incrementAndGet();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 1);
    }
}
