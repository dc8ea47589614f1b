package io.wshub;

import io.wshub.protocol.MessageRouter;
import io.wshub.protocol.RawEchoHandler;
import io.wshub.spi.MetricsListener;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The metrics listener hears how long the handler took with each message, and the type the protocol named. */
class HandlerTimeTest {

    private record Handled(String session, String type, long nanos) {
    }

    private final List<Handled> handled = Collections.synchronizedList(new ArrayList<>());
    private final MetricsListener listener = new MetricsListener() {
        @Override
        public void messageHandled(Session session, String type, long nanos) {
            handled.add(new Handled(session.id(), type, nanos));
        }
    };

    @Test
    void eachMessageIsHeardWithTheTypeTheRouterDispatchedAndTheHandlersTimeOnTheHubsClock() {
        AtomicReference<HubFixture> fixture = new AtomicReference<>();
        MessageRouter router = MessageRouter.builder()
                .on("slow", (session, message) -> fixture.get().advance(Duration.ofMillis(7)))
                .on("quick", (session, message) -> {
                })
                .build();
        try (HubFixture server = HubFixture.with(b -> b.handler(router).metrics(listener))) {
            fixture.set(server);
            Peer alice = server.connect("alice");

            alice.send("{\"type\":\"slow\"}");
            alice.send("{\"type\":\"quick\"}");
            alice.send("{\"type\":\"unknown\"}");
            alice.send("not json");

            assertThat(handled).extracting(Handled::session, Handled::type, Handled::nanos).containsExactly(
                    tuple("alice", "slow", Duration.ofMillis(7).toNanos()),
                    tuple("alice", "quick", 0L),
                    tuple("alice", null, 0L), // a type the router does not know is not named: clients choose it
                    tuple("alice", null, 0L));
        }
    }

    @Test
    void aHandlerThatNamesNoTypeIsHeardWithoutOne() {
        try (HubFixture server = HubFixture.with(b -> b.handler(new RawEchoHandler()).metrics(listener))) {
            server.connect("bob").send("hello");

            assertThat(handled).containsExactly(new Handled("bob", null, 0L));
        }
    }
}
