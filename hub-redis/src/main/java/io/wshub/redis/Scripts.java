package io.wshub.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Lua scripts that read and write the cluster's entries in Redis (one script runs atomically,
 * so no node ever sees another's change half done), and the arguments every script shares. They
 * live in {@code io/wshub/redis/*.lua}, each prefixed with {@code common.lua}.
 *
 * <p>Sent with EVAL every time rather than EVALSHA: Redis caches the compiled script either way,
 * and a script cache emptied by a Redis restart can then never reorder or fail a command.
 */
final class Scripts {

    enum Script {
        CLAIM(ScriptOutputType.INTEGER),
        APPLY(ScriptOutputType.INTEGER),
        REGISTER(ScriptOutputType.MULTI),
        HEARTBEAT(ScriptOutputType.MULTI),
        SNAPSHOT(ScriptOutputType.MULTI),
        DEREGISTER(ScriptOutputType.INTEGER),
        APPEND(ScriptOutputType.MULTI, true),
        READ(ScriptOutputType.MULTI, true),
        TOKEN(ScriptOutputType.INTEGER),
        TAKEOVER(ScriptOutputType.MULTI),
        SWEEP(ScriptOutputType.MULTI),
        INBOX(ScriptOutputType.INTEGER),
        REFS(ScriptOutputType.INTEGER),
        MAIL(ScriptOutputType.INTEGER),
        ARRIVED(ScriptOutputType.MULTI);

        final ScriptOutputType output;
        /** A room's script, its first argument the room: it runs in the room's slot, else in the hub's. */
        final boolean room;
        final byte[] source;

        Script(ScriptOutputType output) {
            this(output, false);
        }

        Script(ScriptOutputType output, boolean room) {
            this.output = output;
            this.room = room;
            this.source = (read("common.lua") + "\n" + read(name().toLowerCase() + ".lua")).getBytes(StandardCharsets.UTF_8);
        }
    }

    private final byte[][] common;
    /** The key whose slot the hub's scripts run in (with Redis Cluster; harmless elsewhere). */
    private final String[] hubKey;
    private final String roomKeyPrefix;

    /** The arguments every script starts with: key prefix (of the hub's keys), node id, incarnation, expiry (ms). */
    Scripts(RedisBrokerOptions options, long incarnation) {
        common = new byte[][] {
                utf8(options.hubPrefix()), utf8(options.nodeId()), utf8(Long.toString(incarnation)),
                utf8(Long.toString(options.expiry().toMillis()))};
        hubKey = new String[] {options.hubPrefix() + "nodes"};
        roomKeyPrefix = options.keyPrefix() + "room:{";
    }

    /**
     * Runs a script with the common arguments followed by these, declaring the one key that says
     * where it runs: the room's seq key for a room's script, the hub's node list for the others.
     */
    <T> RedisFuture<T> run(RedisClusterAsyncCommands<String, byte[]> redis, Script script, List<byte[]> args) {
        List<byte[]> all = new ArrayList<>(common.length + args.size());
        all.addAll(List.of(common));
        all.addAll(args);
        String[] keys = script.room
                ? new String[] {roomKeyPrefix + new String(args.get(0), StandardCharsets.UTF_8) + "}:seq"} : hubKey;
        return redis.eval(script.source, script.output, keys, all.toArray(new byte[0][]));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The arguments of a stamped change: version, announcement, then each op's code and member. */
    static List<byte[]> change(Stamp stamp, byte[] announcement, List<MembershipOp> ops) {
        List<byte[]> args = new ArrayList<>(2 + 2 * ops.size());
        args.add(utf8(Long.toString(stamp.version())));
        args.add(announcement);
        for (MembershipOp op : ops) {
            args.add(utf8(op.kind().code));
            args.add(utf8(op.member()));
        }
        return args;
    }

    private static String read(String resource) {
        try (InputStream in = Scripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource io/wshub/redis/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
