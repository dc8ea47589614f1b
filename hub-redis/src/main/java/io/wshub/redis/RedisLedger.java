package io.wshub.redis;

import io.wshub.spi.RefLedger;

import java.util.List;
import java.util.Map;

/**
 * A session's ledger of refs on this node, written through to Redis: the node's own ledger answers
 * every lookup (the session's one node is its one writer), and each ref it remembers is also sent to
 * the session's refs in Redis ({@link RefWriter}), where a node that takes the session over finds
 * them. A ledger taken over starts with the refs its old node wrote.
 */
final class RedisLedger implements RefLedger {

    private final RefLedger local;
    private final String sessionId;
    private final int window;
    private final RefWriter writer;

    /** @param taken the refs of the session taken over, oldest first, each with its ack's seq; none for a new ledger */
    RedisLedger(RefLedger local, String sessionId, int window, RefWriter writer, List<Map.Entry<String, Long>> taken) {
        this.local = local;
        this.sessionId = sessionId;
        this.window = window;
        this.writer = writer;
        for (Map.Entry<String, Long> ref : taken) {
            local.remember(ref.getKey(), ref.getValue());
        }
    }

    @Override
    public long lookup(String ref) {
        return local.lookup(ref);
    }

    @Override
    public void remember(String ref, long seq) {
        local.remember(ref, seq);
        writer.remember(sessionId, ref, seq, window);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public void discard() {
        local.discard();
        writer.discard(sessionId);
    }
}
