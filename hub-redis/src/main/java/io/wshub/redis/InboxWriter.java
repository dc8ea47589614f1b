package io.wshub.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wshub.HistoryLimits;
import io.wshub.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the inboxes of this node's sessions through to Redis ({@code inbox.lua}): each private
 * message as sent, at its seq, in the session's stream, trimmed to the inbox's limits. Never waits;
 * a write that cannot go out is lost for a take-over only (the node's own inbox has it). It also
 * sends the positioned private messages of the node's senders, which Redis keeps for a take-over
 * when the session's node does not listen.
 */
final class InboxWriter {

    private final RedisLink link;
    private final Scripts scripts;
    private final HistoryLimits limits;

    InboxWriter(RedisLink link, Scripts scripts, HistoryLimits limits) {
        this.link = link;
        this.scripts = scripts;
        this.limits = limits;
    }

    void append(String sessionId, String epoch, long seq, Message frame) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis == null) {
            return;
        }
        List<byte[]> args = new ArrayList<>(7);
        args.add(Scripts.utf8(sessionId));
        args.add(Scripts.utf8(epoch));
        args.add(Scripts.utf8(Long.toString(seq)));
        args.add(RoomLog.bytes(frame));
        RoomLog.limits(args, limits);
        scripts.run(redis, Scripts.Script.INBOX, args);
    }

    /** The inbox opened (or moved here) at this seq: its epoch and seq are recorded for a take-over. */
    void opened(String sessionId, String epoch, long seq) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis != null) {
            scripts.run(redis, Scripts.Script.INBOX, List.of(Scripts.utf8(sessionId), Scripts.utf8(epoch),
                    Scripts.utf8(Long.toString(seq)), new byte[0]));
        }
    }

    /**
     * Sends a private message (its bus form) to the node that holds its session, or keeps it as
     * sent, within the inbox's limits, for the node that takes the session over when that node does
     * not listen ({@code mail.lua}).
     *
     * @param receiversCounted whether PUBLISH counts every receiver (not with Redis Cluster)
     */
    RedisFuture<Long> send(RedisClusterAsyncCommands<String, byte[]> redis, String sessionId, String holder, byte[] bus,
                           Message frame, boolean receiversCounted) {
        List<byte[]> args = new ArrayList<>(8);
        args.add(Scripts.utf8(sessionId));
        args.add(Scripts.utf8(holder));
        args.add(bus);
        args.add(RoomLog.bytes(frame));
        RoomLog.limits(args, limits);
        args.add(Scripts.utf8(receiversCounted ? "1" : "0"));
        return scripts.run(redis, Scripts.Script.MAIL, args);
    }

    /** The session ended: its stream goes. */
    void discard(String sessionId) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis != null) {
            scripts.run(redis, Scripts.Script.INBOX, List.of(Scripts.utf8(sessionId), Scripts.utf8("")));
        }
    }
}
