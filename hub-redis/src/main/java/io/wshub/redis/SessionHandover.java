package io.wshub.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wshub.Message;
import io.wshub.spi.DeliveryStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The resume tokens of a node's sessions in Redis, and the take-over of another node's session by
 * its token ({@code token.lua}, {@code takeover.lua}). Redis keeps only each token's SHA-256: who
 * reads Redis cannot resume anyone's session with what it reads. Writes never wait; the take-over
 * waits at most the command timeout, on the upgrade's thread, through the node's circuit breaker:
 * while it is open the take-over fails at once.
 */
final class SessionHandover {

    /** Allowance over the command timeout for a take-over's answer to cross threads. */
    private static final long MARGIN_MILLIS = 100;

    private final String nodeId;
    private final RedisLink link;
    private final Scripts scripts;
    private final Duration commandTimeout;
    private final RedisBreaker breaker;
    /** How long a token's hash lives after its last write: the node's expiry and the resume window. */
    private final byte[] keepMillis;
    /** A write failed (Redis unreachable): the next refresh writes every token again. */
    private volatile boolean dirty;

    SessionHandover(String nodeId, RedisLink link, Scripts scripts, Duration commandTimeout, RedisBreaker breaker,
                    Duration keep) {
        this.nodeId = nodeId;
        this.link = link;
        this.scripts = scripts;
        this.commandTimeout = commandTimeout;
        this.breaker = breaker;
        this.keepMillis = Scripts.utf8(Long.toString(keep.toMillis()));
    }

    /** Records the session's new token in place of its previous one (null: none); never waits. */
    void issued(String sessionId, String token, String previous) {
        write(hash(token), sessionId, previous == null ? "" : hash(previous));
    }

    /** Forgets a token: its session ended. */
    void revoked(String token) {
        write("", "", hash(token));
    }

    /**
     * Keeps this node's tokens alive for another expiry and window; after a failed write, writes
     * every one of {@code tokens} (session id → token) again. On the broker's timer.
     */
    void refresh(Map<String, String> tokens) {
        if (dirty) {
            dirty = false;
            tokens.forEach((id, token) -> write(hash(token), id, ""));
        }
        write("", "", "");
    }

    private void write(String hash, String sessionId, String replaced) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis == null) {
            dirty = true;
            return;
        }
        RedisFuture<Long> done = scripts.run(redis, Scripts.Script.TOKEN, List.of(Scripts.utf8(hash),
                Scripts.utf8(sessionId), Scripts.utf8(replaced), keepMillis));
        done.whenComplete((ok, error) -> {
            if (error != null) {
                dirty = true;
            }
        });
    }

    /**
     * Takes over the session another node holds for this token, waiting at most the command timeout.
     *
     * @return the session and its rooms, or null when no other node holds such a token
     * @throws IllegalStateException when Redis is unreachable or does not answer in time, and at once
     *         while the breaker is open
     */
    Taken takeOver(String token, String sessionId) {
        RedisClusterAsyncCommands<String, byte[]> redis = link.isConnected() ? link.commands() : null;
        if (redis == null) {
            throw new IllegalStateException("Redis is unreachable: resume token checked on this node only");
        }
        byte[] moved = BusCodec.movedHead(nodeId);
        List<Object> answer;
        try {
            List<byte[]> args = List.of(Scripts.utf8(hash(token)), Scripts.utf8(sessionId == null ? "" : sessionId), moved);
            answer = breaker.<List<Object>>call(() -> scripts.run(redis, Scripts.Script.TAKEOVER, args))
                    .get(commandTimeout.toMillis() + MARGIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while taking a session over", e);
        } catch (ExecutionException e) {
            if (RedisBreaker.refused(e.getCause())) {
                throw new IllegalStateException("circuit breaker " + RedisBreaker.NAME + " is open: resume token checked"
                        + " on this node only", e.getCause());
            }
            throw unanswered(e.getCause());
        } catch (TimeoutException e) {
            throw unanswered(e);
        }
        if ((Long) answer.get(0) != 1) {
            return null;
        }
        String id = text(answer.get(1));
        int roomCount = ((Long) answer.get(2)).intValue();
        List<String> rooms = new ArrayList<>(roomCount);
        for (int i = 3; i < 3 + roomCount; i++) {
            rooms.add(text(answer.get(i)));
        }
        int at = 3 + roomCount;
        String inboxEpoch = text(answer.get(at));
        long inboxSeq = Long.parseLong(text(answer.get(at + 1)));
        int refCount = ((Long) answer.get(at + 2)).intValue();
        List<Map.Entry<String, Long>> refs = new ArrayList<>(refCount);
        int mailAt = at + 3 + 2 * refCount;
        for (int i = at + 3; i < mailAt; i += 2) {
            refs.add(Map.entry(text(answer.get(i)), Long.parseLong(text(answer.get(i + 1)))));
        }
        int mailCount = ((Long) answer.get(mailAt)).intValue();
        List<Message> mail = messages(answer, mailAt + 1, mailAt + 1 + mailCount);
        List<Message> kept = messages(answer, mailAt + 1 + mailCount, answer.size());
        Inbox inbox = inboxEpoch.isEmpty() ? (mail.isEmpty() ? null : new Inbox(null, 0, List.of(), mail))
                : new Inbox(inboxEpoch, inboxSeq, kept, mail);
        return new Taken(new DeliveryStore.Transfer(id, rooms), inbox, List.copyOf(refs));
    }

    private static List<Message> messages(List<Object> answer, int from, int to) {
        List<Message> messages = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            messages.add(Message.utf8((byte[]) answer.get(i)));
        }
        return messages;
    }

    private IllegalStateException unanswered(Throwable cause) {
        return new IllegalStateException("Redis did not answer a take-over within " + commandTimeout + ": " + cause, cause);
    }

    /**
     * A session taken over, with its inbox as its old node wrote it through and its mail (null:
     * neither), and its handled refs, oldest first, each with the seq its ack carried.
     */
    record Taken(DeliveryStore.Transfer transfer, Inbox inbox, List<Map.Entry<String, Long>> refs) {
    }

    /**
     * An inbox taken over: its epoch (null when its old node recorded none: the inbox starts afresh),
     * its latest seq, its kept messages, oldest first, each at its seq, and its mail: the private
     * messages sent to the session while its node did not listen, as sent, which take the next seqs.
     */
    record Inbox(String epoch, long lastSeq, List<Message> kept, List<Message> mail) {
    }

    private static String text(Object reply) {
        return new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Scripts.utf8(token)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
