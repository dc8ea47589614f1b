package io.wshub;

import io.wshub.spi.DeliveryStore;
import io.wshub.spi.MessageLog;
import io.wshub.spi.RefLedger;

/** The in-memory store for tests that change one of its answers: a test overrides that one. */
public class ForwardingDeliveryStore implements DeliveryStore {
    private final InMemoryDeliveryStore local = new InMemoryDeliveryStore();

    @Override
    public MessageLog roomHistory(String room, HistoryLimits limits) {
        return local.roomHistory(room, limits);
    }

    @Override
    public MessageLog inbox(String sessionId, HistoryLimits limits) {
        return local.inbox(sessionId, limits);
    }

    @Override
    public RefLedger refs(String sessionId, int window) {
        return local.refs(sessionId, window);
    }

    @Override
    public String issueToken(String sessionId) {
        return local.issueToken(sessionId);
    }

    @Override
    public String sessionOf(String token) {
        return local.sessionOf(token);
    }

    @Override
    public void revokeToken(String sessionId) {
        local.revokeToken(sessionId);
    }
}
