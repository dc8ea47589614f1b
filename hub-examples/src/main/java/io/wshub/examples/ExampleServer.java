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
            Map.of("/ws", (settings, auth) -> auth.rooms(RoomProtocol.router(settings.announcePresence()).neverBlocks(true)).build())),
    /**
     * The JSON echo protocol on {@code /ws}, every frame returned unchanged on {@code /echo}, the
     * streaming binary protocol on {@code /binary}.
     */
    ECHO("echo", "the echo server: JSON echo on /ws, raw echo of every frame on /echo, binary streams on /binary", false, false,
            ordered("/ws", (settings, auth) -> auth.expiring(EchoProtocol.router().neverBlocks(true).build()),
                    "/echo", (settings, auth) -> auth.expiring(new RawEchoHandler()),
                    "/binary", (settings, auth) -> auth.expiring(new BinaryStreamProtocol()))),
    /** Every frame relayed unchanged to every other client on {@code /broadcast}. */
    BROADCAST("broadcast", "the broadcast server: every frame on /broadcast goes to every other client", false, false,
            Map.of("/broadcast", (settings, auth) -> auth.expiring(new RawRelayHandler())));

    final String command;
    final String description;
    final boolean servesChatPage;
    /** Whether its hub keeps room histories and holds sessions for resume (docs/protocol.md, "Delivery guarantees"). */
    final boolean hasRooms;
    /** Path to a fresh handler for its hub, made from the settings and the server's authentication, in mount order. */
    final Map<String, BiFunction<Settings, ServerAuth, HubHandler>> endpoints;

    ExampleServer(String command, String description, boolean servesChatPage, boolean hasRooms,
                  Map<String, BiFunction<Settings, ServerAuth, HubHandler>> endpoints) {
        this.command = command;
        this.description = description;
        this.servesChatPage = servesChatPage;
        this.hasRooms = hasRooms;
        this.endpoints = endpoints;
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
