package io.wshub.internal;

import io.wshub.Authenticator;
import io.wshub.Handshake;
import io.wshub.Session;
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
        List<String> values = handshake.queryParameters().get(Session.RESUME_PARAMETER);
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

    /**
     * The session another node holds that this upgrade's token resumes, taken over for this node
     * (see {@link DeliveryStore#takeOver}), or null for a fresh session. Asked only when
     * {@link #sessionToResume} found none here.
     */
    DeliveryStore.Transfer transferToResume(Handshake handshake, Authenticator.Result auth) {
        List<String> values = handshake.queryParameters().get(Session.RESUME_PARAMETER);
        if (values == null || values.size() != 1 || !TOKEN.matcher(values.get(0)).matches()
                || store.sessionOf(values.get(0)) != null) {
            return null; // no token, a forged one, or one of this node's (whose session is gone or busy)
        }
        DeliveryStore.Transfer t = store.takeOver(values.get(0), auth.sessionId());
        return t != null && SessionIds.isValid(t.sessionId()) ? t : null;
    }
}
