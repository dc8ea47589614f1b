package io.wshub.jwt;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.wshub.testing.ManualScheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Tokens for the tests, and a wall clock that moves with a manual scheduler. */
final class Tokens {

    static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    static final String ISSUER = "https://login.example";
    static final String AUDIENCE = "chat";
    /** The tests' epoch: the manual clock's zero. */
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private Tokens() {
    }

    /** A token from the right issuer for the right audience, for this subject, valid from T0 for this long. */
    static JWTCreator.Builder valid(String subject, Duration lifetime) {
        return JWT.create().withSubject(subject).withIssuer(ISSUER).withAudience(AUDIENCE)
                .withIssuedAt(T0).withExpiresAt(T0.plus(lifetime));
    }

    static String hs256(JWTCreator.Builder token) {
        return token.sign(Algorithm.HMAC256(SECRET));
    }

    /** The authenticator of most tests: the secret, the issuer, the audience, no leeway, the manual clock. */
    static JwtAuthenticator.Builder authenticator(ManualScheduler time) {
        return JwtAuthenticator.hmac(SECRET).issuer(ISSUER).audience(AUDIENCE).clock(clock(time));
    }

    /** T0 plus the time the manual scheduler has moved since this call. */
    static Clock clock(ManualScheduler time) {
        long start = time.nanoTime();
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return T0.plusNanos(time.nanoTime() - start);
            }
        };
    }
}
