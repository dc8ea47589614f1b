package io.wshub.examples;

import io.wshub.HubHandler;
import io.wshub.protocol.BinaryStreamProtocol;
import io.wshub.protocol.EchoProtocol;
import io.wshub.protocol.RawEchoHandler;
import io.wshub.protocol.RawRelayHandler;
import io.wshub.protocol.RoomProtocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/** The three example servers: what each serves on which path (docs/protocol.md). */
enum ExampleServer {
    /** Rooms, presence, room, private and broadcast messages on {@code /ws}; the chat page on {@code /}. */
    ROOM("room", "the room server: chat rooms on /ws and the browser chat page on /", true, true,
            Map.of("/ws", (settings, auth) -> auth.rooms(RoomProtocol.router(settings.announcePresence()).neverBlocks(true)).build()),
            // Fewer: each newcomer's presence goes to everyone there, a fan-out of its own to n²/2 in all
            new TrafficWarmup.Traffic("/ws", 250, "{\"type\":\"broadcast\",\"content\":\"warm-up%s\"}", false, 100)),
    /**
     * The JSON echo protocol on {@code /ws}, every frame returned unchanged on {@code /echo}, the
     * streaming binary protocol on {@code /binary}.
     */
    ECHO("echo", "the echo server: JSON echo on /ws, raw echo of every frame on /echo, binary streams on /binary", false, false,
            ordered("/ws", (settings, auth) -> auth.expiring(EchoProtocol.router().neverBlocks(true).build()),
                    "/echo", (settings, auth) -> auth.expiring(new RawEchoHandler()),
                    "/binary", (settings, auth) -> auth.expiring(new BinaryStreamProtocol())),
            // 20 round trips a second on each of 1 000 connections: each, like a client's, one read and one write
            new TrafficWarmup.Traffic("/echo", 1_000, "warm-up%s", true, 20_000)),
    /** Every frame relayed unchanged to every other client on {@code /broadcast}. */
    BROADCAST("broadcast", "the broadcast server: every frame on /broadcast goes to every other client", false, false,
            Map.of("/broadcast", (settings, auth) -> auth.expiring(new RawRelayHandler())),
            // 100 fan-outs a second to a thousand: each done in about a millisecond, so each recipient's
            // frame is written on its own, as at a moderate rate; the bursts give it batches too
            new TrafficWarmup.Traffic("/broadcast", 1_000, "warm-up%s", false, 100));

    final String command;
    final String description;
    final boolean servesChatPage;
    /** Whether its hub keeps room histories and holds sessions for resume (docs/protocol.md, "Delivery guarantees"). */
    final boolean hasRooms;
    /** Path to a fresh handler for its hub, made from the settings and the server's authentication, in mount order. */
    final Map<String, BiFunction<Settings, ServerAuth, HubHandler>> endpoints;
    /** What its warm-up sends through the connections it holds open (docs/configuration.md, "The warm-up"). */
    final TrafficWarmup.Traffic warmUpTraffic;

    ExampleServer(String command, String description, boolean servesChatPage, boolean hasRooms,
                  Map<String, BiFunction<Settings, ServerAuth, HubHandler>> endpoints, TrafficWarmup.Traffic warmUpTraffic) {
        this.command = command;
        this.description = description;
        this.servesChatPage = servesChatPage;
        this.hasRooms = hasRooms;
        this.endpoints = endpoints;
        this.warmUpTraffic = warmUpTraffic;
    }

    private static Map<String, BiFunction<Settings, ServerAuth, HubHandler>> ordered(
            String p1, BiFunction<Settings, ServerAuth, HubHandler> h1, String p2, BiFunction<Settings, ServerAuth, HubHandler> h2,
            String p3, BiFunction<Settings, ServerAuth, HubHandler> h3) {
        Map<String, BiFunction<Settings, ServerAuth, HubHandler>> m = new LinkedHashMap<>();
        m.put(p1, h1);
        m.put(p2, h2);
        m.put(p3, h3);
        return m;
    }
}
