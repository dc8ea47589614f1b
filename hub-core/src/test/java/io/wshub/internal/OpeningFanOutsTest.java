package io.wshub.internal;

import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.Message;
import io.wshub.Session;
import io.wshub.testing.HubFixture;
import io.wshub.testing.InMemoryClient;
import org.junit.jupiter.api.Test;

import static io.wshub.testing.HubFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session joins the hub-wide fan-outs before its {@code onOpen} runs, and what they bring waits
 * until {@code onOpen} returns: a peer that hears of the session from its {@code onOpen} and
 * broadcasts at once reaches it (the race behind a missed broadcast in the room server), and the
 * session's own welcome still comes first.
 */
class OpeningFanOutsTest {

    /** Welcomes the session, then broadcasts as a peer would the moment it heard of it. */
    private static final HubHandler ANNOUNCING = new HubHandler() {
        @Override
        public void onOpen(Session session) {
            session.send(Message.text("welcome " + session.id()));
            session.hub().broadcast(Message.text("news from " + session.id()));
        }
    };

    @Test
    void aBroadcastMadeWhileASessionOpensReachesItAfterItsWelcome() {
        try (HubFixture t = HubFixture.of(HubOptions.defaults(), ANNOUNCING)) {
            InMemoryClient a = t.client("a");
            assertThat(a.nextText(WAIT)).isEqualTo("welcome a");
            assertThat(a.nextText(WAIT)).isEqualTo("news from a");

            InMemoryClient b = t.client("b");
            assertThat(b.nextText(WAIT)).isEqualTo("welcome b");
            assertThat(b.nextText(WAIT)).isEqualTo("news from b");
            assertThat(a.nextText(WAIT)).isEqualTo("news from b");
        }
    }

    @Test
    void pastTheQueueLimitWhatWaitedIsReleasedEarlyAndNothingIsLost() {
        int limit = 4;
        HubHandler flooding = new HubHandler() {
            @Override
            public void onOpen(Session session) {
                session.send(Message.text("welcome"));
                for (int i = 0; i < limit + 2; i++) {
                    session.hub().broadcast(Message.text("news " + i));
                }
            }
        };
        HubOptions options = HubOptions.builder().maxQueuedMessages(limit).build();
        try (HubFixture t = HubFixture.of(options, flooding)) {
            InMemoryClient a = t.client("a");
            assertThat(a.nextText(WAIT)).isEqualTo("welcome");
            for (int i = 0; i < limit + 2; i++) {
                assertThat(a.nextText(WAIT)).isEqualTo("news " + i);
            }
        }
    }
}
