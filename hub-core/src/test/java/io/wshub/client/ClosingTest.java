package io.wshub.client;

import io.wshub.testing.ScriptedTransport;
import io.wshub.testing.ScriptedConnection;
import io.wshub.CloseStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static io.wshub.client.ClientFixture.PRIMARY;
import static io.wshub.client.ClientFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** close() is final: no more attempts, pending futures fail, nothing is left running. */
class ClosingTest {

    private final ClientFixture f = new ClientFixture();

    private static void assertClosed(CompletableFuture<?> future) {
        assertThat(future).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(ClientClosedException.class).withMessage("the client is closed");
    }

    @Test
    void closeDuringReconnectingStopsEverythingAndLeavesNoThreadBehind() {
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        ReconnectingClient client = f.openClient(f.builder());
        f.transport.connection().drop();
        f.transport.downAt(PRIMARY);
        f.advance(f.events.lastFailure().retryIn()); // a failed attempt; waiting for the next
        assertThat(client.state()).isEqualTo(ClientState.RECONNECTING);
        CompletableFuture<Void> buffered = client.sendText("never");
        CompletableFuture<Void> open = client.whenOpen();

        client.close();

        assertThat(client.state()).isEqualTo(ClientState.CLOSED);
        assertClosed(buffered);
        assertClosed(open);
        assertThat(f.time.pendingTasks()).isZero();
        int attempts = f.transport.attempts().size();
        f.advance(Duration.ofHours(1));
        assertThat(f.transport.attempts()).hasSize(attempts);
        assertThat(Thread.getAllStackTraces().keySet()).allMatch(t -> threadsBefore.contains(t) || !t.isAlive());
    }

    @Test
    void closeDuringAHandshakeCancelsTheAttempt() {
        ReconnectingClient client = f.builder().connect();
        ScriptedTransport.Attempt attempt = f.transport.lastAttempt();

        client.close();

        assertThat(attempt.isCancelled()).isTrue();
        assertThat(f.time.pendingTasks()).isZero();
    }

    @Test
    void closeWhenOpenSendsANormalCloseFrame() {
        ReconnectingClient client = f.openClient(f.builder());
        ScriptedConnection connection = f.transport.connection();

        client.close();

        assertThat(connection.closeSent()).isEqualTo(CloseStatus.NORMAL);
        assertThat(connection.isAborted()).isFalse();
        assertThat(f.time.pendingTasks()).isZero();
        assertThat(f.events.failures()).isEmpty();
    }

    @Test
    void aServerThatNeverAnswersTheCloseIsDroppedAfterTheCloseTimeout() {
        ReconnectingClient client = f.openClient(f.builder());
        ScriptedConnection connection = f.transport.connection();
        connection.stopAnsweringClose();

        client.close();
        f.advance(Duration.ofMillis(4_999));
        assertThat(connection.isAborted()).isFalse();
        f.advance(Duration.ofMillis(1));

        assertThat(connection.isAborted()).isTrue();
        assertThat(f.time.pendingTasks()).isZero();
    }

    @Test
    void closeIsFinalAndHarmlessTwice() {
        ReconnectingClient client = f.openClient(f.builder());
        client.close();
        client.close();

        assertClosed(client.sendText("after"));
        assertThat(f.events.states()).containsExactly(ClientState.OPEN, ClientState.CLOSED);
    }

    @Test
    void receiveAfterCloseReturnsWhatArrivedThenFails() throws Exception {
        ReconnectingClient client = f.openClient(f.builder());
        f.transport.connection().serverSends("last words");
        client.close();

        assertThat(client.receive(Duration.ZERO)).hasValueSatisfying(m -> assertThat(m.text()).isEqualTo("last words"));
        assertThatThrownBy(() -> client.receive(seconds(1))).isInstanceOf(ClientClosedException.class);
    }

    @Test
    void closeFromTheClientsOwnCallbackFinishesRightAfterIt() {
        ReconnectingClient[] self = new ReconnectingClient[1];
        f.transport.openAt(PRIMARY);
        self[0] = f.builder().closeTransportOnClose(true).onMessage(frame -> self[0].close()).connect();

        f.transport.connection().serverSends("bye");

        assertThat(self[0].state()).isEqualTo(ClientState.CLOSED);
        assertThat(f.transport.isClosed()).isTrue();
    }

    @Test
    void aTransportTheClientOwnsIsClosedWithItAndASharedOneIsNot() {
        ReconnectingClient shared = f.openClient(f.builder());
        shared.close();
        assertThat(f.transport.isClosed()).isFalse();

        ReconnectingClient owning = f.builder().closeTransportOnClose(true).connect();
        owning.close();
        assertThat(f.transport.isClosed()).isTrue();
    }

    @Test
    void aClientThatGivesUpClosesTheTransportItOwns() {
        f.transport.refuseAt(PRIMARY, 403);

        f.builder().closeTransportOnClose(true).connect();

        assertThat(f.transport.isClosed()).isTrue();
    }
}
