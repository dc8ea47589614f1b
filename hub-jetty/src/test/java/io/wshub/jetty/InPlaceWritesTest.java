package io.wshub.jetty;

import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write queue of an {@link InPlaceEndPoint}: what reaches its socket, in what order, and who
 * hears of it. The socket is a stand-in that keeps each write in flight until the test completes it.
 */
class InPlaceWritesTest {

    private final List<String> log = new ArrayList<>();
    private final List<Callback> inFlight = new ArrayList<>();
    private SocketChannel channel;
    private InPlaceEndPoint endPoint;

    @BeforeEach
    void open() throws IOException {
        channel = SocketChannel.open();
        endPoint = new InPlaceEndPoint(channel, null, null, null, new ArrayByteBufferPool()) {
            @Override
            void toSocket(Callback completion, ByteBuffer[] buffers) {
                StringBuilder written = new StringBuilder();
                for (ByteBuffer b : buffers) {
                    written.append(new String(b.array(), b.position(), b.remaining()));
                }
                log.add("socket " + written);
                inFlight.add(completion);
            }
        };
    }

    @AfterEach
    void close() throws IOException {
        channel.close();
    }

    @Test
    void writesThatArriveWhileOneIsInFlightFollowItInOrder() {
        endPoint.write(heard("jetty"), text("jetty"));
        endPoint.writeData(heard("hub"), text("hub"));
        endPoint.write(heard("pong"), text("pong"));
        assertThat(log).containsExactly("socket jetty");

        complete(0).succeeded();
        assertThat(log).containsExactly("socket jetty", "socket hub", "jetty done");
        complete(1).succeeded();
        complete(2).succeeded();
        assertThat(log).containsExactly("socket jetty", "socket hub", "jetty done", "socket pong", "hub done", "pong done");
    }

    @Test
    void aWriteMadeWhenTheOneInFlightCompletesQueuesBehindThoseAlreadyWaiting() {
        endPoint.writeData(new Callback() {
            @Override
            public void succeeded() {
                log.add("hub done");
                endPoint.writeData(heard("hub again"), text("hub again"));
            }
        }, text("hub"));
        endPoint.write(heard("close"), text("close"));

        complete(0).succeeded();
        complete(1).succeeded();
        assertThat(log).containsExactly("socket hub", "socket close", "hub done", "socket hub again", "close done");
    }

    @Test
    void afterTheDataEndedTheHubsWritesFailAndJettysStillLeave() {
        endPoint.endData();
        endPoint.writeData(heard("hub"), text("hub"));
        endPoint.write(heard("close"), text("close"));

        assertThat(log).containsExactly("hub failed: ClosedChannelException", "socket close");
    }

    @Test
    void aFailedWriteFailsTheWritesWaitingForIt() {
        endPoint.writeData(heard("hub"), text("hub"));
        endPoint.write(heard("pong"), text("pong"));

        complete(0).failed(new ClosedChannelException());
        assertThat(log).containsExactly("socket hub", "hub failed: ClosedChannelException", "pong failed: ClosedChannelException");
    }

    @Test
    void anIdleSocketWritesAtOnceAgainAfterACompletion() {
        endPoint.write(heard("first"), text("first"));
        complete(0).succeeded();
        endPoint.write(heard("second"), text("second"));
        assertThat(log).containsExactly("socket first", "first done", "socket second");
    }

    private Callback complete(int write) {
        assertThat(inFlight).hasSizeGreaterThan(write);
        return inFlight.get(write);
    }

    private Callback heard(String name) {
        return new Callback() {
            @Override
            public void succeeded() {
                log.add(name + " done");
            }

            @Override
            public void failed(Throwable cause) {
                log.add(name + " failed: " + cause.getClass().getSimpleName());
            }
        };
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes());
    }
}
