package io.wshub.operations;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.Hub;
import io.wshub.Session;
import io.wshub.SessionStats;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * The admin endpoint: the {@code n} sessions furthest behind, over every hub, as JSON — the most
 * bytes queued first, then the most messages. A GET with {@code ?n=} (1 to {@link #MAX_N},
 * default {@link #DEFAULT_N}) and, when a token is set, {@code Authorization: Bearer TOKEN}
 * (compared in constant time; missing or wrong: 401). Each session: hub, id, remote address, rooms,
 * queued messages and bytes, messages dropped, time connected.
 */
final class SlowSessionsHandler extends Handler.Abstract.NonBlocking {

    static final int DEFAULT_N = 10;
    /** A page an operator reads; more would only make the answer heavy. */
    static final int MAX_N = 1_000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String BEARER = "Bearer ";
    /** Furthest behind first: bytes, then messages, then the id so that the order is stable. */
    private static final Comparator<Row> FURTHEST_BEHIND = Comparator.comparingLong((Row r) -> r.stats.queuedBytes())
            .thenComparingInt(r -> r.stats.queuedMessages()).reversed()
            .thenComparing(r -> r.session.id());

    private final Map<String, Hub> hubs;
    /** SHA-256 of the token, or null when none is asked. */
    private final byte[] tokenDigest;

    /** @param token the bearer token every request must carry, or null when none is asked */
    SlowSessionsHandler(Map<String, Hub> hubs, String token) {
        this.hubs = hubs;
        this.tokenDigest = token == null ? null : sha256(token);
    }

    private record Row(String hub, Session session, SessionStats stats) {
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (HttpAnswers.refusedUnlessRead(request, response, callback)) {
            return true;
        }
        if (!authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"wshub-admin\"");
            Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401, "A valid bearer token is required");
            return true;
        }
        int n = count(Request.extractQueryParameters(request));
        if (n < 0) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
                    "n must be given at most once, as a whole number from 1 to " + MAX_N);
            return true;
        }
        HttpAnswers.json(request, response, callback, HttpStatus.OK_200, furthestBehind(n));
        return true;
    }

    private boolean authorized(String header) {
        if (tokenDigest == null) {
            return true;
        }
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        // Digests have one length whatever the token, so the comparison's time tells nothing.
        return MessageDigest.isEqual(tokenDigest, sha256(header.substring(BEARER.length()).trim()));
    }

    /** The n asked, the default when none is, or -1 when it is not one number within bounds. */
    static int count(Fields query) {
        List<String> values = query.getValues("n");
        if (values == null || values.isEmpty()) {
            return DEFAULT_N;
        }
        String v = values.get(0);
        if (values.size() > 1 || v.isEmpty() || v.length() > 4 || !v.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int n = Integer.parseInt(v);
        return n >= 1 && n <= MAX_N ? n : -1;
    }

    /** Visits every session once, keeping the n furthest behind in a heap of n. */
    private ObjectNode furthestBehind(int n) {
        PriorityQueue<Row> kept = new PriorityQueue<>(n + 1, FURTHEST_BEHIND.reversed()); // head: the least behind
        long seen = 0;
        for (Map.Entry<String, Hub> hub : hubs.entrySet()) {
            for (Session s : hub.getValue().sessions()) {
                seen++;
                kept.add(new Row(hub.getKey(), s, s.stats()));
                if (kept.size() > n) {
                    kept.poll();
                }
            }
        }
        List<Row> rows = new ArrayList<>(kept);
        rows.sort(FURTHEST_BEHIND);
        Instant now = Instant.now();
        ObjectNode body = NODES.objectNode().put("sessionsSeen", seen);
        ArrayNode list = body.putArray("sessions");
        for (Row r : rows) {
            ObjectNode o = list.addObject().put("hub", r.hub).put("id", r.session.id());
            InetSocketAddress remote = r.session.handshake().remoteAddress();
            if (remote == null) {
                o.putNull("remoteAddress");
            } else {
                o.put("remoteAddress", remote.getHostString() + ":" + remote.getPort());
            }
            ArrayNode rooms = o.putArray("rooms");
            new TreeSet<>(r.session.rooms()).forEach(rooms::add);
            o.put("queuedMessages", r.stats.queuedMessages())
                    .put("queuedBytes", r.stats.queuedBytes())
                    .put("oldestQueuedMillis", r.stats.oldestQueuedAge().toMillis())
                    .put("dropped", r.stats.messagesDropped())
                    .put("connectedForMillis", Math.max(0, Duration.between(r.stats.connectedAt(), now).toMillis()));
        }
        return body;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
