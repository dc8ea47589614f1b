package io.wshub.client.pool;

import io.wshub.CloseStatus;
import io.wshub.client.ClientClosedException;
import io.wshub.client.ConnectFailedException;
import io.wshub.testing.ScriptedConnection;
import io.wshub.testing.ScriptedTransport;
import io.wshub.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pool over a scripted transport and a manual clock: every step happens on the test's thread. */
class ClientPoolTest {

    private static final URI FIRST = URI.create("ws://first.test/ws");
    private static final URI SECOND = URI.create("ws://second.test/ws");

    private final ManualScheduler time = new ManualScheduler();
    private final ScriptedTransport transport = new ScriptedTransport(time).openAt(FIRST).openAt(SECOND);

    private ClientPool.Builder pool() {
        return ClientPool.builder(transport).url(FIRST).maxSize(2)
                .idleTimeout(Duration.ofMinutes(1)).validationTimeout(Duration.ofSeconds(1))
                .borrowTimeout(Duration.ofSeconds(5));
    }

    private static PooledConnection borrowed(CompletableFuture<PooledConnection> borrow) {
        assertThat(borrow).isCompleted();
        return borrow.join();
    }

    @Test
    void aBorrowOpensAConnectionAndGivingItBackKeepsItIdle() {
        ClientPool pool = pool().build();

        PooledConnection connection = borrowed(pool.borrow());
        connection.sendText("hello");
        assertThat(transport.connection().written()).containsExactly("hello");
        connection.close();

        assertThat(pool.size()).isEqualTo(1);
        assertThat(pool.idleCount()).isEqualTo(1);
    }

    @Test
    void thePoolNeverHoldsMoreThanItsMaximumSize() {
        ClientPool pool = pool().build();
        borrowed(pool.borrow());
        borrowed(pool.borrow());

        CompletableFuture<PooledConnection> third = pool.borrow();
        assertThat(third).isNotDone();
        assertThat(pool.size()).isEqualTo(2);
        assertThat(transport.attempts()).hasSize(2);

        time.advance(Duration.ofSeconds(5));

        assertThat(third).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(TimeoutException.class)
                .withMessage("no pooled connection became free within PT5S (2 of 2 in use)");
    }

    @Test
    void aWaitingBorrowGetsTheNextConnectionGivenBack() {
        ClientPool pool = pool().maxSize(1).build();
        PooledConnection first = borrowed(pool.borrow());
        CompletableFuture<PooledConnection> waiting = pool.borrow();

        first.close();

        PooledConnection second = borrowed(waiting);
        second.sendText("reused");
        assertThat(transport.attempts()).hasSize(1);
        assertThat(transport.connection().written()).containsExactly("reused");
    }

    @Test
    void newConnectionsGoToTheUrlsInTurn() {
        ClientPool pool = pool().url(SECOND).maxSize(3).build();

        PooledConnection a = borrowed(pool.borrow());
        PooledConnection b = borrowed(pool.borrow());
        PooledConnection c = borrowed(pool.borrow());

        assertThat(a.url()).isEqualTo(FIRST);
        assertThat(b.url()).isEqualTo(SECOND);
        assertThat(c.url()).isEqualTo(FIRST);
        assertThat(transport.attempts()).extracting(ScriptedTransport.Attempt::url).containsExactly(FIRST, SECOND, FIRST);
    }

    @Test
    void anIdleConnectionIsCheckedByPingBeforeItIsHandedOut() {
        ClientPool pool = pool().build();
        borrowed(pool.borrow()).close();
        ScriptedConnection connection = transport.connection();
        assertThat(connection.pings()).isZero();

        borrowed(pool.borrow());

        assertThat(connection.pings()).isEqualTo(1);
        assertThat(transport.attempts()).hasSize(1);
    }

    @Test
    void anIdleConnectionThatDoesNotAnswerThePingIsReplaced() {
        ClientPool pool = pool().build();
        borrowed(pool.borrow()).close();
        ScriptedConnection silent = transport.connection();
        silent.stopAnsweringPings();

        CompletableFuture<PooledConnection> borrow = pool.borrow();
        assertThat(borrow).isNotDone();
        time.advance(Duration.ofSeconds(1));

        PooledConnection fresh = borrowed(borrow);
        fresh.sendText("on the new one");
        assertThat(silent.closeSent()).isEqualTo(CloseStatus.NORMAL);
        assertThat(transport.attempts()).hasSize(2);
        assertThat(transport.connection().written()).containsExactly("on the new one");
        assertThat(pool.size()).isEqualTo(1);
    }

    @Test
    void connectionsIdleLongerThanTheIdleTimeoutAreClosed() {
        ClientPool pool = pool().build();
        borrowed(pool.borrow()).close();
        ScriptedConnection connection = transport.connection();

        time.advance(Duration.ofSeconds(59));
        assertThat(pool.idleCount()).isEqualTo(1);
        time.advance(Duration.ofSeconds(1));

        assertThat(pool.size()).isZero();
        assertThat(connection.closeSent()).isEqualTo(CloseStatus.NORMAL);
    }

    @Test
    void aConnectionBorrowedAgainBeforeItsIdleTimeoutStays() {
        ClientPool pool = pool().build();
        borrowed(pool.borrow()).close();
        time.advance(Duration.ofSeconds(50));
        PooledConnection again = borrowed(pool.borrow());

        time.advance(Duration.ofMinutes(2));

        assertThat(pool.size()).isEqualTo(1);
        assertThat(transport.connection().isEnded()).isFalse();
        again.close();
    }

    @Test
    void deadConnectionsLeaveThePoolAtOnceAndAreReplacedAtTheNextBorrow() {
        ClientPool pool = pool().build();
        borrowed(pool.borrow()).close();
        ScriptedConnection dead = transport.connection();

        dead.serverCloses(CloseStatus.SERVER_SHUTDOWN);

        assertThat(pool.size()).isZero();
        assertThat(pool.idleCount()).isZero();
        borrowed(pool.borrow()).sendText("fresh");
        assertThat(transport.attempts()).hasSize(2);
        assertThat(dead.pings()).isZero();
    }

    @Test
    void aBorrowedConnectionThatDiesIsNotTakenBack() {
        ClientPool pool = pool().build();
        PooledConnection connection = borrowed(pool.borrow());
        transport.connection().drop();

        connection.close();

        assertThat(pool.size()).isZero();
    }

    @Test
    void aBorrowFailsWhenANewConnectionToEveryUrlFails() {
        transport.downAt(FIRST).downAt(SECOND);
        ClientPool pool = pool().url(SECOND).build();

        CompletableFuture<PooledConnection> borrow = pool.borrow();

        assertThat(borrow).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(ConnectFailedException.class);
        assertThat(transport.attempts()).extracting(ScriptedTransport.Attempt::url).containsExactly(FIRST, SECOND);
        assertThat(pool.size()).isZero();
    }

    @Test
    void aBorrowFailsOverToTheNextUrlWhenTheFirstIsDown() {
        transport.downAt(FIRST);
        ClientPool pool = pool().url(SECOND).build();

        assertThat(borrowed(pool.borrow()).url()).isEqualTo(SECOND);
    }

    @Test
    void invalidateClosesTheConnectionInsteadOfKeepingIt() {
        ClientPool pool = pool().build();
        PooledConnection connection = borrowed(pool.borrow());

        connection.invalidate();

        assertThat(pool.size()).isZero();
        assertThat(transport.connection().closeSent()).isEqualTo(CloseStatus.NORMAL);
    }

    @Test
    void aConnectionGivenBackCannotBeUsedAnyMore() {
        ClientPool pool = pool().build();
        PooledConnection connection = borrowed(pool.borrow());
        connection.close();
        connection.close();

        assertThatThrownBy(() -> connection.sendText("late")).isInstanceOf(IllegalStateException.class)
                .hasMessage("this connection was given back to the pool");
        assertThat(pool.idleCount()).isEqualTo(1);
    }

    @Test
    void closeClosesEveryConnectionAndFailsWaitingBorrows() {
        ClientPool pool = pool().maxSize(1).closeTransportOnClose(true).build();
        borrowed(pool.borrow());
        CompletableFuture<PooledConnection> waiting = pool.borrow();
        ScriptedConnection connection = transport.connection();

        pool.close();

        assertThat(connection.closeSent()).isEqualTo(CloseStatus.NORMAL);
        assertThat(waiting).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(ClientClosedException.class).withMessage("the pool is closed");
        assertThat(pool.borrow()).isCompletedExceptionally();
        assertThat(pool.size()).isZero();
        assertThat(transport.isClosed()).isTrue();
        assertThat(time.pendingTasks()).isZero();
    }

    @Test
    void theBuilderRefusesABadConfiguration() {
        assertThatThrownBy(() -> ClientPool.builder(transport).build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("at least one url is required");
        assertThatThrownBy(() -> pool().maxSize(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSize must be > 0, was 0");
        assertThatThrownBy(() -> pool().idleTimeout(Duration.ZERO).build())
                .hasMessage("idleTimeout must be positive, was PT0S");
    }
}
