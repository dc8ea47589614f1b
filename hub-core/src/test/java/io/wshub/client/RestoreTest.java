package io.wshub.client;

import io.wshub.testing.ScriptedConnection;
import io.wshub.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.wshub.client.ClientFixture.PRIMARY;
import static io.wshub.client.ClientFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

/** Restore hooks run on every new connection, before any buffered message goes out. */
class RestoreTest {

    private final ClientFixture f = new ClientFixture();

    @Test
    void bufferedMessagesWaitUntilTheRestoreHookIsDone() {
        CompletableFuture<Void> restored = new CompletableFuture<>();
        ReconnectingClient client = f.builder().restoreHook(context -> {
            context.send(Message.text("restore"));
            return restored;
        }).connect();
        client.sendText("buffered");

        ScriptedConnection connection = f.transport.lastAttempt().open();
        assertThat(connection.written()).containsExactly("restore");
        assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
        client.sendText("later");
        assertThat(connection.written()).containsExactly("restore");

        restored.complete(null);

        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        assertThat(connection.written()).containsExactly("restore", "buffered", "later");
    }

    @Test
    void hooksRunInTheOrderAddedOnEveryConnection() {
        List<String> calls = new ArrayList<>();
        ReconnectingClient client = f.openClient(f.builder()
                .restoreHook(context -> {
                    calls.add("first:" + context.isFirstConnection());
                    return context.send(Message.text("one"));
                })
                .restoreHook(context -> {
                    calls.add("second:" + context.isFirstConnection());
                    return context.send(Message.text("two"));
                }));

        f.transport.connection().drop();
        f.advance(f.events.lastFailure().retryIn());

        assertThat(calls).containsExactly("first:true", "second:true", "first:false", "second:false");
        assertThat(f.transport.connection().written()).containsExactly("one", "two");
        assertThat(client.state()).isEqualTo(ClientState.OPEN);
    }

    @Test
    void aHookCanWaitForTheServersReply() {
        ReconnectingClient client = f.builder().onMessage(frame -> { })
                .restoreHook(context -> context.request(Message.text("subscribe"), frame -> frame.text().equals("subscribed")))
                .connect();
        client.sendText("buffered");
        ScriptedConnection connection = f.transport.lastAttempt().open();
        assertThat(connection.written()).containsExactly("subscribe");

        connection.serverSends("subscribed");

        assertThat(client.state()).isEqualTo(ClientState.OPEN);
        assertThat(connection.written()).containsExactly("subscribe", "buffered");
    }

    @Test
    void aFailingHookDropsTheConnectionAndTheClientTriesAgain() {
        int[] calls = {0};
        f.transport.openAt(PRIMARY);
        ReconnectingClient client = f.builder().restoreHook(context -> {
            if (++calls[0] == 1) {
                return CompletableFuture.failedFuture(new IllegalStateException("no such subscription"));
            }
            return CompletableFuture.completedFuture(null);
        }).connect();
        ScriptedConnection first = f.transport.connection();

        assertThat(first.isAborted()).isTrue();
        assertThat(f.events.lastFailure().cause()).isInstanceOf(ConnectFailedException.class)
                .hasMessage("restoring state on ws://primary.test/ws failed: java.lang.IllegalStateException: no such subscription");
        f.advance(f.events.lastFailure().retryIn());
        assertThat(client.state()).isEqualTo(ClientState.OPEN);
    }

    @Test
    void aHookThatNeverFinishesTimesOutAndTheClientTriesAgain() {
        f.transport.openAt(PRIMARY);
        ReconnectingClient client = f.builder().restoreHook(context -> new CompletableFuture<>()).connect();
        ScriptedConnection first = f.transport.connection();

        f.advance(seconds(10));

        assertThat(first.isAborted()).isTrue();
        assertThat(f.events.lastFailure().cause())
                .hasMessage("restoring state on ws://primary.test/ws did not complete within PT10S");
        assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
    }

    @Test
    void aHookThatThrowsCountsAsAFailedRestore() {
        f.transport.openAt(PRIMARY);
        f.builder().restoreHook(context -> {
            throw new IllegalStateException("hook bug");
        }).connect();

        assertThat(f.transport.connection().isAborted()).isTrue();
        assertThat(f.events.lastFailure().willRetry()).isTrue();
    }
}
