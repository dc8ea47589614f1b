package io.wshub.internal;

import io.wshub.Authenticator;
import io.wshub.Handshake;
import io.wshub.spi.DeliveryStore;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides whether an upgrade with {@code ?resume=T} takes a session back (docs/protocol.md,
 * "Resume"): the token must be one the store issued and still knows, for a session this node holds
 * (held, or open on a connection the client has given up on), which the credentials, when they name
 * a session, name too, and which no other resume is taking back. Anything else is no error: the
 * upgrade goes on as a fresh session.
 */
final class ResumeAdmission {

    /** The query parameter the token comes in. */
    static final String PARAMETER = "resume";
    /** What a token may look like: what a store issues, and no more (a forged one is not even looked up). */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final DeliveryStore store;
    private final SessionRegistry registry;

    ResumeAdmission(DeliveryStore store, SessionRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    /**
     * The session this upgrade takes back, its resume now reserved, or null for a fresh session.
     */
    HubSession sessionToResume(Handshake handshake, Authenticator.Result auth) {
        List<String> values = handshake.queryParameters().get(PARAMETER);
        if (values == null || values.size() != 1 || !TOKEN.matcher(values.get(0)).matches()) {
            return null;
        }
        String id = store.sessionOf(values.get(0));
        if (id == null || (auth.sessionId() != null && !auth.sessionId().equals(id))) {
            return null; // unknown, replaced or expired; or another subject's token
        }
        HubSession s = registry.live(id);
        return s != null && s.reserveResume() ? s : null;
    }
}
