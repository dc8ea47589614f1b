package io.wshub.redis;

import io.wshub.HistoryLimits;
import io.wshub.InMemoryDeliveryStore;
import io.wshub.spi.DeliveryStore;
import io.wshub.spi.MessageLog;
import io.wshub.spi.RefLedger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link DeliveryStore} of a node of a Redis cluster, from {@link RedisBroker#deliveryStore}:
 * resume tokens are recorded in Redis (as their SHA-256), so a client resumes its session on any
 * node, which takes the session over from the node that held it ({@link #takeOver}), and inboxes
 * and the refs its messages were handled with are written through to Redis, so the session takes
 * them along: a message its client sends again on the new node is acknowledged again, not handled
 * again. Room histories live in Redis whatever the store (the broker orders rooms for the cluster);
 * docs/scaling.md says what each costs in Redis.
 *
 * <pre>{@code
 * RedisBroker broker = new RedisBroker(RedisBrokerOptions.of("redis://redis.internal:6379"));
 * HubOptions options = HubOptions.builder().roomHistory(HistoryLimits.DEFAULT).resumeWindow(Duration.ofSeconds(60)).build();
 * Hub hub = Hub.builder()
 *         .options(options)
 *         .handler(RoomProtocol.router().build())
 *         .broker(broker)
 *         .deliveryStore(broker.deliveryStore(options))
 *         .build();
 * }</pre>
 */
public final class RedisDeliveryStore implements DeliveryStore {

    private final InMemoryDeliveryStore local = new InMemoryDeliveryStore();
    private final SessionHandover handover;
    private final InboxWriter inboxes;
    private final RefWriter refs;
    private final Arrivals arrivals;
    /** Inboxes of sessions taken over, until the hub makes the session's inbox. */
    private final Map<String, SessionHandover.Inbox> takenInboxes = new ConcurrentHashMap<>();
    /** Handled refs of sessions taken over, until the hub makes the session's ledger or the session ends. */
    private final Map<String, List<Map.Entry<String, Long>>> takenRefs = new ConcurrentHashMap<>();
    /** Session id → its token, for the writes that replace and revoke it in Redis. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    RedisDeliveryStore(SessionHandover handover, InboxWriter inboxes, RefWriter refs, Arrivals arrivals) {
        this.handover = handover;
        this.inboxes = inboxes;
        this.refs = refs;
        this.arrivals = arrivals;
    }

    /**
     * How many writes of handled refs did not reach Redis since the node started (Redis unreachable,
     * or the write failed): a session taken over by another node handles those refs again.
     */
    public long lostRefWrites() {
        return refs.lost();
    }

    /** This node's tokens by session, for the broker's refresh. */
    Map<String, String> tokens() {
        return tokens;
    }

    @Override
    public MessageLog roomHistory(String room, HistoryLimits limits) {
        return local.roomHistory(room, limits);
    }

    /**
     * The session's inbox, written through to Redis; for a session just taken over, the inbox its
     * old node wrote, continued in its epoch, then the private messages Redis kept for it while its
     * old node did not listen.
     */
    @Override
    public MessageLog inbox(String sessionId, HistoryLimits limits) {
        MessageLog log = local.inbox(sessionId, limits);
        SessionHandover.Inbox taken = takenInboxes.remove(sessionId);
        if (taken == null) {
            return new RedisInbox(log, log.epoch(), 0, List.of(), List.of(), sessionId, inboxes, System.nanoTime());
        }
        String epoch = taken.epoch() == null ? log.epoch() : taken.epoch();
        return new RedisInbox(log, epoch, taken.lastSeq(), taken.kept(), taken.mail(), sessionId, inboxes, System.nanoTime());
    }

    /**
     * The session's ledger, written through to Redis without waiting; for a session just taken over,
     * it starts with the refs its old node wrote.
     */
    @Override
    public RefLedger refs(String sessionId, int window) {
        List<Map.Entry<String, Long>> taken = takenRefs.remove(sessionId);
        return new RedisLedger(local.refs(sessionId, window), sessionId, window, refs, taken == null ? List.of() : taken);
    }

    /** Issues the token here and records it in Redis, without waiting. */
    @Override
    public String issueToken(String sessionId) {
        String token = local.issueToken(sessionId);
        handover.issued(sessionId, token, tokens.put(sessionId, token));
        return token;
    }

    /** True: the sessions held when the node shuts down stay in Redis for a resume on another node. */
    @Override
    public boolean outlivesNode() {
        return true;
    }

    @Override
    public String sessionOf(String token) {
        return local.sessionOf(token);
    }

    @Override
    public void revokeToken(String sessionId) {
        local.revokeToken(sessionId);
        takenRefs.remove(sessionId); // it ended before it sent a ref
        String token = tokens.remove(sessionId);
        if (token != null) {
            handover.revoked(token);
        }
    }

    /**
     * Takes the session over from the node that holds it, in one script: waits at most the
     * broker's {@code commandTimeout}, through its circuit breaker.
     *
     * @throws IllegalStateException when Redis is unreachable or does not answer in time, and at
     *         once while the breaker is open: the upgrade goes on as a fresh session
     */
    @Override
    public Transfer takeOver(String token, String sessionId) {
        SessionHandover.Taken taken = handover.takeOver(token, sessionId);
        if (taken == null) {
            return null;
        }
        if (taken.inbox() != null) {
            takenInboxes.put(taken.transfer().sessionId(), taken.inbox());
        }
        if (!taken.refs().isEmpty()) {
            takenRefs.put(taken.transfer().sessionId(), taken.refs());
        }
        return taken.transfer();
    }

    /**
     * Takes the private messages Redis kept for the session while it moved here, and delivers them
     * before those published to this node from now on; never waits.
     */
    @Override
    public void transferOpened(String sessionId) {
        arrivals.opened(sessionId);
    }
}
