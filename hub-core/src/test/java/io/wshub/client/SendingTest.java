package io.wshub.client;

import io.wshub.testing.ScriptedConnection;
import io.wshub.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static io.wshub.client.ClientFixture.PRIMARY;
import static io.wshub.client.ClientFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The send buffer, its bounds and timeouts, the one writer, and delivery across reconnects. */
class SendingTest {

    private final ClientFixture f = new ClientFixture();

    private static void assertFailsWith(CompletableFuture<?> future, Class<? extends Throwable> type) {
        assertThat(future).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(type);
    }

    @Test
    void messagesSentWhileConnectingGoOutInOrderOnceOpen() {
        ReconnectingClient client = f.builder().connect();
        CompletableFuture<Void> one = client.sendText("one");
        CompletableFuture<Void> two = client.sendText("two");
        assertThat(one).isNotDone();

        ScriptedConnection connection = f.transport.lastAttempt().open();

        assertThat(connection.written()).containsExactly("one", "two");
        assertThat(one).isCompleted();
        assertThat(two).isCompleted();
    }

    @Test
    void onlyOneWriteIsInFlightAndTheFutureCompletesWhenItIsWritten() {
        ReconnectingClient client = f.openClient(f.builder());
        ScriptedConnection connection = f.transport.connection();
        connection.holdWrites();

        CompletableFuture<Void> one = client.sendText("one");
        CompletableFuture<Void> two = client.sendText("two");
        assertThat(connection.written()).containsExactly("one");
        assertThat(one).isNotDone();

        connection.completeWrite();
        assertThat(one).isCompleted();
        assertThat(connection.written()).containsExactly("one", "two");
        connection.completeWrite();
        assertThat(two).isCompleted();
    }

    @Test
    void messagesSentDuringAnOutageArriveOnceInOrderAfterTheReconnect() {
        ReconnectingClient client = f.openClient(f.builder());
        ScriptedConnection first = f.transport.connection();
        client.sendText("before");
        first.drop();

        List<CompletableFuture<Void>> sent = List.of(client.sendText("m1"), client.sendText("m2"), client.sendText("m3"));
        f.advance(f.events.lastFailure().retryIn());

        ScriptedConnection second = f.transport.connection();
        assertThat(first.written()).containsExactly("before");
        assertThat(second.written()).containsExactly("m1", "m2", "m3");
        assertThat(sent).allMatch(CompletableFuture::isDone).noneMatch(CompletableFuture::isCompletedExceptionally);
    }

    @Test
    void aFullBufferRefusesTheNewestMessageAtOnce() {
        ClientOptions options = ClientOptions.builder().maxBufferedMessages(2).build();
        ReconnectingClient client = f.builder().options(options).connect();
        CompletableFuture<Void> one = client.sendText("one");
        client.sendText("two");

        CompletableFuture<Void> three = client.sendText("three");

        assertThat(three).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(MessageDroppedException.class)
                .withMessage("send buffer full (2 messages, 6 bytes): dropped the newest message");
        assertThat(one).isNotDone();
        assertThat(f.transport.lastAttempt().open().written()).containsExactly("one", "two");
    }

    @Test
    void aFullBufferCanDropTheOldestInstead() {
        ClientOptions options = ClientOptions.builder().maxBufferedMessages(2)
                .overflowPolicy(BufferOverflowPolicy.DROP_OLDEST).build();
        ReconnectingClient client = f.builder().options(options).connect();
        CompletableFuture<Void> one = client.sendText("one");
        client.sendText("two");
        client.sendText("three");

        assertFailsWith(one, MessageDroppedException.class);
        assertThat(f.transport.lastAttempt().open().written()).containsExactly("two", "three");
    }

    @Test
    void theBufferIsBoundedByBytesToo() {
        ClientOptions options = ClientOptions.builder().maxMessageBytes(10).maxBufferedBytes(10).build();
        ReconnectingClient client = f.builder().options(options).connect();
        client.sendText("123456");

        assertFailsWith(client.sendText("12345"), MessageDroppedException.class);
        assertThat(client.sendText("1234")).isNotDone();
    }

    @Test
    void aMessageLargerThanTheMaximumIsRefusedAtOnce() {
        ClientOptions options = ClientOptions.builder().maxMessageBytes(4).build();
        ReconnectingClient client = f.builder().options(options).connect();

        assertThatThrownBy(() -> client.sendText("12345"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame of 5 bytes is larger than maxMessageBytes (4)");
    }

    @Test
    void aMessageBufferedLongerThanTheSendTimeoutFailsAndIsNeverSent() {
        f.transport.downAt(PRIMARY);
        ReconnectingClient client = f.builder().connect();
        CompletableFuture<Void> stale = client.sendText("stale");
        f.advance(seconds(31));
        CompletableFuture<Void> fresh = client.sendText("fresh");

        f.advance(seconds(29));
        assertThat(stale).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(SendTimeoutException.class)
                .withMessage("not written within PT1M of its send; it was never sent");
        assertThat(fresh).isNotDone();

        f.transport.openAt(PRIMARY);
        f.advance(f.events.lastFailure().retryIn());
        assertThat(f.transport.connection().written()).containsExactly("fresh");
    }

    @Test
    void aWriteStuckPastTheSendTimeoutFailsAndTheConnectionIsReplaced() {
        ReconnectingClient client = f.openClient(f.builder().options(ClientOptions.builder()
                .pingInterval(Duration.ofMinutes(5)).pongTimeout(Duration.ofMinutes(10)).build()));
        ScriptedConnection stuck = f.transport.connection();
        stuck.holdWrites();
        CompletableFuture<Void> sent = client.sendText("stuck");

        f.advance(seconds(60));

        assertFailsWith(sent, SendTimeoutException.class);
        assertThat(stuck.isAborted()).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.RECONNECTING);
        assertThat(f.events.lastFailure().cause()).isInstanceOf(ConnectionLostException.class)
                .hasMessage("a write to ws://primary.test/ws did not complete within PT1M");
    }

    @Test
    void aMessageBeingWrittenWhenTheConnectionBreaksFailsAndIsNotSentAgain() {
        ReconnectingClient client = f.openClient(f.builder());
        ScriptedConnection first = f.transport.connection();
        first.holdWrites();
        CompletableFuture<Void> inFlight = client.sendText("in flight");
        CompletableFuture<Void> queued = client.sendText("queued");

        first.drop();
        f.advance(f.events.lastFailure().retryIn());

        assertFailsWith(inFlight, ConnectionLostException.class);
        assertThat(queued).isCompleted();
        assertThat(f.transport.connection().written()).containsExactly("queued");
    }

    @Test
    void aSendCancelledByItsCallerIsNeverWritten() {
        ReconnectingClient client = f.builder().connect();
        client.sendText("one");
        client.sendText("two").cancel(false);
        client.sendText("three");

        assertThat(f.transport.lastAttempt().open().written()).containsExactly("one", "three");
    }

    @Test
    void aRequestCompletesWithItsReply() {
        ReconnectingClient client = f.openClient(f.builder().onMessage(frame -> { }));
        CompletableFuture<Message> reply = client.request(Message.text("question"),
                frame -> frame.text().startsWith("answer"), seconds(5));
        ScriptedConnection connection = f.transport.connection();

        connection.serverSends("noise");
        assertThat(reply).isNotDone();
        connection.serverSends("answer 42");

        assertThat(reply).isCompletedWithValueMatching(frame -> frame.text().equals("answer 42"));
        assertThat(connection.written()).containsExactly("question");
    }

    @Test
    void aRequestWithoutReplyTimesOut() {
        ReconnectingClient client = f.openClient(f.builder().onMessage(frame -> { }));
        CompletableFuture<Message> reply = client.request(Message.text("question"), frame -> false, seconds(5));

        f.advance(seconds(5));

        assertFailsWith(reply, TimeoutException.class);
    }
}
