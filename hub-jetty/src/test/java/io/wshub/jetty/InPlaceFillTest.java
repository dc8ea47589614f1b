package io.wshub.jetty;

import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.util.BufferUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reads of an {@link InPlaceEndPoint}: after a read that took less than it had room for, the
 * next one leaves the socket to the selector. Over a real loopback socket, without a selector.
 */
class InPlaceFillTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private ServerSocketChannel listener;
    private SocketChannel peer;
    private SocketChannel accepted;
    private InPlaceEndPoint endPoint;

    @BeforeEach
    void connect() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        peer = SocketChannel.open(listener.getLocalAddress());
        accepted = listener.accept();
        accepted.configureBlocking(false);
        endPoint = new InPlaceEndPoint(accepted, null, null, null, new ArrayByteBufferPool());
    }

    @AfterEach
    void close() throws IOException {
        peer.close();
        accepted.close();
        listener.close();
    }

    @Test
    void aShortReadLeavesTheNextOneToTheSelectorOnce() throws IOException {
        ByteBuffer buffer = BufferUtil.allocate(1024);
        arrive("abc");
        assertThat(endPoint.fill(buffer)).isEqualTo(3);

        arrive("de");
        assertThat(endPoint.fill(buffer)).isZero(); // the socket has "de", but the last read emptied it
        assertThat(endPoint.fill(buffer)).isEqualTo(2);
        assertThat(BufferUtil.toString(buffer, StandardCharsets.US_ASCII)).isEqualTo("abcde");
    }

    @Test
    void aReadThatFilledTheBufferIsFollowedByAnotherAtOnce() throws IOException {
        ByteBuffer small = BufferUtil.allocate(4);
        arrive("abcdefgh");
        assertThat(endPoint.fill(small)).isEqualTo(4);

        BufferUtil.clear(small);
        assertThat(endPoint.fill(small)).isEqualTo(4);
        assertThat(BufferUtil.toString(small, StandardCharsets.US_ASCII)).isEqualTo("efgh");
    }

    @Test
    void theEndOfTheStreamIsStillRead() throws IOException {
        ByteBuffer buffer = BufferUtil.allocate(1024);
        arrive("x");
        assertThat(endPoint.fill(buffer)).isEqualTo(1);
        peer.shutdownOutput();
        await().atMost(TIMEOUT).until(() -> endPoint.fill(buffer) == -1);
    }

    /** The peer sends this, and it waits until the accepted socket has it, unread: a selector says so. */
    private void arrive(String s) throws IOException {
        peer.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
        try (Selector selector = Selector.open()) {
            accepted.register(selector, SelectionKey.OP_READ);
            await().atMost(TIMEOUT).until(() -> selector.select(10) > 0);
        }
    }
}
