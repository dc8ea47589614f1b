package io.wshub.bench;

import io.wshub.CloseStatus;
import io.wshub.Frame;
import io.wshub.spi.Connection;
import io.wshub.spi.SendCallback;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A transport connection that accepts every write at once and allocates nothing: what a
 * benchmark measures through it is the hub's own cost. Counts what it was given so that the
 * work cannot be optimised away. Confined to the benchmark thread (the hub writes on the
 * caller's thread in these benchmarks).
 */
final class SinkConnection implements Connection {

    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 40_000);

    long frames;
    long bytes;

    @Override
    public void send(Frame[] batch, int count, SendCallback callback) {
        for (int i = 0; i < count; i++) {
            bytes += batch[i].size();
        }
        frames += count;
        callback.succeeded();
    }

    @Override
    public void ping(ByteBuffer payload) {
    }

    @Override
    public void close(CloseStatus status) {
    }

    @Override
    public void abort() {
    }

    @Override
    public void demand() {
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return ADDRESS;
    }
}
