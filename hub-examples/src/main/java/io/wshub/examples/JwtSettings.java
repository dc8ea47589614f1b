package io.wshub.examples;

import io.wshub.jwt.JwtAuthenticator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The JWT settings, read into an authenticator (docs/security.md, "Authentication (JWT)"). */
final class JwtSettings {

    private JwtSettings() {
    }

    /**
     * The authenticator that {@code jwtSecret} or {@code jwtPublicKey} asks for, checking
     * {@code jwtIssuer} and {@code jwtAudience} when given; empty when neither key is given.
     *
     * @throws ConfigException for both keys, {@code requireAuth} without a key, an unreadable or
     *                         invalid key file, or a secret too short
     */
    static Optional<JwtAuthenticator> authenticator(Settings settings) {
        String secret = (String) settings.get(Setting.JWT_SECRET);
        String keyFile = (String) settings.get(Setting.JWT_PUBLIC_KEY);
        if (!secret.isEmpty() && !keyFile.isEmpty()) {
            throw new ConfigException("invalid settings: give " + settings.origin(Setting.JWT_SECRET) + " or "
                    + settings.origin(Setting.JWT_PUBLIC_KEY) + ", not both");
        }
        if (secret.isEmpty() && keyFile.isEmpty()) {
            if ((Boolean) settings.get(Setting.REQUIRE_AUTH)) {
                throw new ConfigException("invalid settings: " + settings.origin(Setting.REQUIRE_AUTH)
                        + " needs jwtSecret or jwtPublicKey");
            }
            return Optional.empty();
        }
        JwtAuthenticator.Builder jwt;
        try {
            jwt = secret.isEmpty() ? JwtAuthenticator.publicKey(read(keyFile)) : JwtAuthenticator.hmac(secret);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid settings: " + (secret.isEmpty() ? "jwtPublicKey " + keyFile : "jwtSecret")
                    + ": " + e.getMessage());
        }
        String issuer = (String) settings.get(Setting.JWT_ISSUER);
        String audience = (String) settings.get(Setting.JWT_AUDIENCE);
        if (!issuer.isEmpty()) {
            jwt.issuer(issuer);
        }
        if (!audience.isEmpty()) {
            jwt.audience(audience);
        }
        return Optional.of(jwt.leeway((Duration) settings.get(Setting.JWT_LEEWAY)).build());
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new ConfigException("invalid settings: cannot read jwtPublicKey " + file + ": " + e);
        }
    }
}
