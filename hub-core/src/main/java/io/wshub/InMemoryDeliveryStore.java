package io.wshub;

import io.wshub.spi.DeliveryStore;
import io.wshub.spi.MessageLog;
import io.wshub.spi.RefLedger;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The default {@link DeliveryStore}: histories, inboxes, ledgers and resume tokens in this node's
 * memory. They last as long as the process: a restart starts every history again with a new epoch
 * and knows no token (docs/protocol.md, "What survives what").
 */
public final class InMemoryDeliveryStore implements DeliveryStore {

    /** Random bytes per token: 192 bits, beyond guessing (the contract asks for 128). */
    private static final int TOKEN_BYTES = 24;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();
    /** token → session id, and session id → its one token. */
    private final ConcurrentHashMap<String, String> sessionsByToken = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> tokensBySession = new ConcurrentHashMap<>();

    @Override
    public MessageLog roomHistory(String room, HistoryLimits limits) {
        return new MemoryLog(newEpoch(), limits);
    }

    @Override
    public MessageLog inbox(String sessionId, HistoryLimits limits) {
        return new MemoryLog(newEpoch(), limits);
    }

    @Override
    public RefLedger refs(String sessionId, int window) {
        return new MemoryLedger(window);
    }

    @Override
    public String issueToken(String sessionId) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = BASE64URL.encodeToString(bytes);
        sessionsByToken.put(token, sessionId);
        String previous = tokensBySession.put(sessionId, token);
        if (previous != null) {
            sessionsByToken.remove(previous, sessionId);
        }
        return token;
    }

    @Override
    public String sessionOf(String token) {
        return sessionsByToken.get(token);
    }

    @Override
    public void revokeToken(String sessionId) {
        String token = tokensBySession.remove(sessionId);
        if (token != null) {
            sessionsByToken.remove(token, sessionId);
        }
    }

    /**
     * 72 random bits: unique enough across the histories of one key and the restarts of a node
     * (an epoch is not a secret, so the fast generator does).
     */
    private static String newEpoch() {
        byte[] bytes = new byte[9];
        ThreadLocalRandom.current().nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }
}
