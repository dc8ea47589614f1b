package io.wshub.internal;

import io.wshub.Message;
import io.wshub.Hub;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.Rooms;
import io.wshub.Session;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.HubFixture;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static io.wshub.testing.HubFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rooms as the core keeps them: named sets, created on first join, gone when empty. */
class RoomsTest {

    private static HubFixture hub(HubHandler handler) {
        return HubFixture.of(HubOptions.defaults(), handler);
    }

    @Test
    void aRoomExistsFromItsFirstJoinUntilItsLastLeave() {
        try (HubFixture t = hub(new HubHandler() {
        })) {
            t.client("a");
            t.client("b");
            Rooms rooms = t.hub().rooms();
            assertThat(rooms.join(t.session("a"), "r")).isTrue();
            assertThat(rooms.join(t.session("a"), "r")).isFalse();
            assertThat(rooms.join(t.session("b"), "r")).isTrue();
            assertThat(rooms.names()).containsExactly("r");
            assertThat(rooms.members("r")).containsExactly("a", "b");
            assertThat(t.hub().stats().rooms()).isEqualTo(1);

            assertThat(rooms.leave(t.session("a"), "r")).isTrue();
            assertThat(rooms.leave(t.session("a"), "r")).isFalse();
            assertThat(rooms.leave(t.session("b"), "r")).isTrue();
            assertThat(rooms.names()).isEmpty();
            assertThat(rooms.members("r")).isEmpty();
        }
    }

    @Test
    void aClosedSessionLeavesAllItsRoomsAndItsHandlerStillSeesThem() {
        AtomicReference<Set<String>> roomsAtClose = new AtomicReference<>();
        HubHandler handler = new HubHandler() {
            @Override
            public void onClose(Session session, io.wshub.CloseStatus status) {
                roomsAtClose.set(session.rooms());
            }
        };
        try (HubFixture t = hub(handler)) {
            InMemoryClient a = t.client("a");
            t.client("b");
            Rooms rooms = t.hub().rooms();
            rooms.join(t.session("a"), "one");
            rooms.join(t.session("a"), "two");
            rooms.join(t.session("b"), "two");
            assertThat(t.session("a").rooms()).containsExactlyInAnyOrder("one", "two");

            a.close();
            assertThat(roomsAtClose.get()).containsExactlyInAnyOrder("one", "two");
            assertThat(rooms.names()).containsExactly("two");
            assertThat(rooms.members("two")).containsExactly("b");
        }
    }

    @Test
    void aRoomBroadcastReachesMembersButTheSender() {
        try (HubFixture t = hub(new HubHandler() {
        })) {
            InMemoryClient a = t.client("a");
            InMemoryClient b = t.client("b");
            InMemoryClient outsider = t.client("outsider");
            t.hub().rooms().join(t.session("a"), "r");
            t.hub().rooms().join(t.session("b"), "r");

            assertThat(t.hub().rooms().broadcast("r", Message.text("hi"), t.session("a"))).isEqualTo(1);
            assertThat(b.nextText(WAIT)).isEqualTo("hi");
            assertThat(a.drain()).isEmpty();
            assertThat(outsider.drain()).isEmpty();
            assertThat(t.hub().rooms().localMembers("r")).extracting(Session::id).containsExactlyInAnyOrder("a", "b");
            assertThat(t.hub().rooms().isMember(t.session("b"), "r")).isTrue();
            assertThat(t.hub().rooms().isMember(t.session("outsider"), "r")).isFalse();
        }
    }

    @Test
    void aSessionOfAnotherHubIsRefused() {
        try (HubFixture t = hub(new HubHandler() {
        }); HubFixture other = hub(new HubHandler() {
        })) {
            other.client("x");
            Session foreign = other.session("x");
            Hub hub = t.hub();
            assertThatThrownBy(() -> hub.rooms().join(foreign, "r"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not belong to this hub");
        }
    }

    @Test
    void anEmptyRoomNameIsRefused() {
        try (HubFixture t = hub(new HubHandler() {
        })) {
            t.client("a");
            assertThatThrownBy(() -> t.hub().rooms().join(t.session("a"), ""))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("room name");
        }
    }
}
