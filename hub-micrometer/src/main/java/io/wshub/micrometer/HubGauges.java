package io.wshub.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.wshub.Hub;
import io.wshub.Rooms;
import io.wshub.Session;

import java.util.function.ToDoubleFunction;

/**
 * What a hub holds now, read from it when scraped: nothing is counted on the hot path for these.
 * The sums over sessions or rooms visit each of them once per scrape. The overload's counters are
 * read from {@link io.wshub.HubStats} the same way (function counters): the hub counts them already.
 */
final class HubGauges {

    static final String SESSIONS = "wshub.sessions";
    static final String ROOMS = "wshub.rooms";
    static final String ROOM_MEMBERS = "wshub.room.members";
    static final String LARGEST_ROOM = "wshub.room.members.max";
    static final String QUEUED_MESSAGES = "wshub.queued.messages";
    static final String QUEUED_BYTES = "wshub.queued.bytes";
    static final String BROKER_UP = "wshub.broker.up";
    static final String QUEUE_BUDGET = "wshub.queued.budget.bytes";
    static final String OVERLOADED = "wshub.overloaded";
    static final String SESSIONS_BEHIND = "wshub.sessions.behind";
    static final String OVERLOADS = "wshub.overloads";
    static final String CONFLATED = "wshub.conflated";

    private HubGauges() {
    }

    static void register(MeterRegistry registry, Tags path, Hub hub) {
        gauge(registry, path, hub, SESSIONS, "Sessions open now", null, Hub::sessionCount);
        gauge(registry, path, hub, ROOMS, "Rooms with members on this node", null, h -> h.rooms().names().size());
        gauge(registry, path, hub, ROOM_MEMBERS, "Memberships of this node's sessions in rooms, over all rooms"
                + " (divide by wshub_rooms for the mean room size)", null, h -> roomMembers(h.rooms(), false));
        gauge(registry, path, hub, LARGEST_ROOM, "Members on this node of its largest room", null,
                h -> roomMembers(h.rooms(), true));
        gauge(registry, path, hub, QUEUED_MESSAGES, "Messages waiting in all outbound queues", null,
                HubGauges::queuedMessages);
        gauge(registry, path, hub, QUEUED_BYTES, "Bytes waiting in all outbound queues but replays of a history"
                + " (what maxTotalQueuedBytes bounds)", "bytes",
                h -> h.stats().queuedBytes());
        gauge(registry, path, hub, BROKER_UP, "1 while the broker reaches the other nodes (always for a single node)",
                null, h -> h.stats().brokerUp() ? 1 : 0);
        gauge(registry, path, hub, QUEUE_BUDGET, "The budget of bytes waiting in all outbound queues (maxTotalQueuedBytes)",
                null, h -> h.stats().maxTotalQueuedBytes());
        gauge(registry, path, hub, OVERLOADED, "1 while the hub reads its sessions more slowly because its queues are full",
                null, h -> h.stats().overloaded() ? 1 : 0);
        gauge(registry, path, hub, SESSIONS_BEHIND, "Sessions whose outbound queue is above its high mark (not writable)",
                null, h -> h.stats().sessionsBehind());
        counter(registry, path, hub, OVERLOADS, "Times the hub began reading its sessions more slowly", h -> h.stats().overloads());
        counter(registry, path, hub, CONFLATED, "Queued messages a newer one of the same key replaced before they were written",
                h -> h.stats().conflated());
    }

    private static void counter(MeterRegistry registry, Tags path, Hub hub, String name, String description,
                                ToDoubleFunction<Hub> value) {
        // A function counter holds the hub weakly; the gauges above hold it strongly for as long.
        FunctionCounter.builder(name, hub, value).description(description).tags(path).register(registry);
    }

    private static void gauge(MeterRegistry registry, Tags path, Hub hub, String name, String description,
                              String baseUnit, ToDoubleFunction<Hub> value) {
        // Held strongly: the registry reads the hub for as long as the meter is registered.
        Gauge.builder(name, hub, value).description(description).baseUnit(baseUnit).tags(path)
                .strongReference(true).register(registry);
    }

    private static double roomMembers(Rooms rooms, boolean largest) {
        long total = 0;
        long max = 0;
        for (String room : rooms.names()) {
            int members = rooms.localMembers(room).size();
            total += members;
            max = Math.max(max, members);
        }
        return largest ? max : total;
    }

    private static double queuedMessages(Hub hub) {
        long queued = 0;
        for (Session session : hub.sessions()) {
            queued += session.stats().queuedMessages();
        }
        return queued;
    }
}
