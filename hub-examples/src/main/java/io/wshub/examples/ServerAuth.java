package io.wshub.examples;

import io.wshub.Authenticator;
import io.wshub.HubHandler;
import io.wshub.jwt.JwtAuthenticator;
import io.wshub.jwt.JwtSessions;
import io.wshub.protocol.MessageRouter;

import java.util.Optional;

/**
 * How one example server authenticates: anonymously, or with the JWT authenticator the settings
 * ask for on every path, the room server adding the token's rooms, its expiry and {@code refresh},
 * the others its expiry, on a timer of its own, stopped with the server.
 */
final class ServerAuth implements AutoCloseable {

    private final Optional<JwtAuthenticator> jwt;
    /** Null without a JWT: no thread for nothing. */
    private final ExpiryTimer timer;

    private ServerAuth(Optional<JwtAuthenticator> jwt) {
        this.jwt = jwt;
        this.timer = jwt.isPresent() ? new ExpiryTimer() : null;
    }

    static ServerAuth of(Settings settings) {
        return new ServerAuth(settings.jwt());
    }

    Authenticator authenticator() {
        return jwt.<Authenticator>map(a -> a).orElse(Authenticator.ANONYMOUS);
    }

    /** The room router with the token's meaning after the upgrade, when tokens are required. */
    MessageRouter.Builder rooms(MessageRouter.Builder router) {
        return jwt.map(a -> JwtSessions.install(router, a, timer)).orElse(router);
    }

    /** A handler of a protocol without {@code refresh}, whose sessions close at their token's expiry when tokens are required. */
    HubHandler expiring(HubHandler handler) {
        return jwt.map(a -> JwtSessions.closeAtExpiry(handler, a, timer)).orElse(handler);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.close();
        }
    }
}
