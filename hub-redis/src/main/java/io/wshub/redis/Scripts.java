package io.wshub.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

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
        APPEND(ScriptOutputType.MULTI),
        READ(ScriptOutputType.MULTI),
        TOKEN(ScriptOutputType.INTEGER),
        TAKEOVER(ScriptOutputType.MULTI),
        INBOX(ScriptOutputType.INTEGER);

        final ScriptOutputType output;
        final byte[] source;

        Script(ScriptOutputType output) {
            this.output = output;
            this.source = (read("common.lua") + "\n" + read(name().toLowerCase() + ".lua")).getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final String[] NO_KEYS = new String[0];

    private final byte[][] common;

    /** The arguments every script starts with: key prefix, node id, incarnation, expiry (ms). */
    Scripts(RedisBrokerOptions options, long incarnation) {
        common = new byte[][] {
                utf8(options.keyPrefix()), utf8(options.nodeId()), utf8(Long.toString(incarnation)),
                utf8(Long.toString(options.expiry().toMillis()))};
    }

    /** Runs a script with the common arguments followed by these. */
    <T> RedisFuture<T> run(RedisAsyncCommands<String, byte[]> redis, Script script, List<byte[]> args) {
        List<byte[]> all = new ArrayList<>(common.length + args.size());
        all.addAll(List.of(common));
        all.addAll(args);
        return redis.eval(script.source, script.output, NO_KEYS, all.toArray(new byte[0][]));
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
