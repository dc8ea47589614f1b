package io.wshub.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wshub.HistoryLimits;
import io.wshub.Message;
import io.wshub.Position;
import io.wshub.Positioned;
import io.wshub.protocol.Envelope;
import io.wshub.spi.Broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The rooms' histories in Redis, one order per room for the whole cluster: the append script gives
 * a message its seq, keeps it in the room's stream and publishes it on the bus in one step (see
 * {@code append.lua}), and the read script answers a join's or a resume's position and replay
 * ({@code read.lua}). Every call goes out at once and never waits; one that cannot go out (no
 * connection to Redis) fails at once.
 */
final class RoomLog {

    private final String nodeId;
    private final RedisLink link;
    private final Scripts scripts;

    RoomLog(String nodeId, RedisLink link, Scripts scripts) {
        this.nodeId = nodeId;
        this.link = link;
        this.scripts = scripts;
    }

    /** Appends the message at the room's next seq and publishes it; completes with its seq. */
    CompletionStage<Long> append(String room, Message message, String except, HistoryLimits limits,
                                 Map<String, String> trace) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
        }
        List<byte[]> args = new ArrayList<>(7);
        args.add(Scripts.utf8(room));
        args.add(bytes(message));
        limits(args, limits);
        args.add(BusCodec.sequencedHead(nodeId, room));
        args.add(BusCodec.sequencedTail(except, message, trace));
        RedisFuture<List<Object>> answer = scripts.run(redis, Scripts.Script.APPEND, args);
        return answer.thenApply(reply -> (Long) reply.get(0));
    }

    /** The room's position and, with {@code since}, the messages after it, each at its seq. */
    CompletionStage<Broker.RoomRead> read(String room, Position since, HistoryLimits limits) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
        }
        List<byte[]> args = new ArrayList<>(6);
        args.add(Scripts.utf8(room));
        args.add(Scripts.utf8(since == null ? "" : since.epoch()));
        args.add(Scripts.utf8(since == null ? "0" : Long.toString(since.seq())));
        limits(args, limits);
        RedisFuture<List<Object>> answer = scripts.run(redis, Scripts.Script.READ, args);
        return answer.thenApply(reply -> roomRead(reply, since));
    }

    private static Broker.RoomRead roomRead(List<Object> reply, Position since) {
        Position position = new Position(new String((byte[]) reply.get(0), StandardCharsets.UTF_8), (Long) reply.get(1));
        if (since == null || (Long) reply.get(2) == 0) {
            return new Broker.RoomRead(position, null);
        }
        List<Message> after = new ArrayList<>(reply.size() - 3);
        long seq = since.seq();
        for (int i = 3; i < reply.size(); i++) {
            after.add(at(Message.utf8((byte[]) reply.get(i)), ++seq));
        }
        return new Broker.RoomRead(position, after);
    }

    /**
     * The message at its seq, as every member gets it: a JSON object with {@code "seq":N} last, as
     * the room protocol positions it; anything else (never published by the room protocol) as it is.
     */
    static Message at(Message unpositioned, long seq) {
        Positioned p = positioned(unpositioned);
        return p == null ? unpositioned : p.at(seq);
    }

    /** The message as one that takes a position, when it is a JSON object's text; else null. */
    static Positioned positioned(Message unpositioned) {
        try {
            return Envelope.positionedFrom(unpositioned);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Adds a history's limits as the scripts read them: messages, bytes, age in ms. */
    static void limits(List<byte[]> args, HistoryLimits limits) {
        args.add(Scripts.utf8(Integer.toString(limits.messages())));
        args.add(Scripts.utf8(Long.toString(limits.bytes())));
        args.add(Scripts.utf8(Long.toString(limits.age().toMillis())));
    }

    /** The message's payload, copied. */
    static byte[] bytes(Message message) {
        java.nio.ByteBuffer payload = message.payload();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return bytes;
    }
}
