package io.wshub.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes the handled refs of this node's sessions through to Redis ({@code refs.lua}): each ref with
 * the seq its ack carried, the latest up to the ledger's window, kept for the session's resume
 * expiry after its latest ref. Never waits; a write that cannot go out (Redis unreachable, or it
 * failed) is counted and lost for a take-over only (the node's own ledger has the ref).
 */
final class RefWriter {

    private final RedisLink link;
    private final Scripts scripts;
    /** How long a session's refs live after its latest one: the node's expiry and the resume window. */
    private final byte[] keepMillis;
    private final LongAdder lost = new LongAdder();

    RefWriter(RedisLink link, Scripts scripts, Duration keep) {
        this.link = link;
        this.scripts = scripts;
        this.keepMillis = Scripts.utf8(Long.toString(keep.toMillis()));
    }

    void remember(String sessionId, String ref, long seq, int window) {
        run(List.of(Scripts.utf8(sessionId), Scripts.utf8(ref), Scripts.utf8(Long.toString(seq)),
                Scripts.utf8(Integer.toString(window)), keepMillis));
    }

    /** The session ended here: its refs go, unless another node took it over. */
    void discard(String sessionId) {
        run(List.of(Scripts.utf8(sessionId), Scripts.utf8("")));
    }

    /** Writes that did not reach Redis since the node started. */
    long lost() {
        return lost.sum();
    }

    private void run(List<byte[]> args) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis == null) {
            lost.increment();
            return;
        }
        RedisFuture<Long> done = scripts.run(redis, Scripts.Script.REFS, args);
        done.whenComplete((ok, error) -> {
            if (error != null) {
                lost.increment();
            }
        });
    }
}
