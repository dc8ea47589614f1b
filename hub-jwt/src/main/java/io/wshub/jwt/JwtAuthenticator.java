package io.wshub.jwt;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.InvalidClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Verification;
import io.wshub.Authenticator;
import io.wshub.Handshake;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Admits a peer whose JWT passes: signed with the configured HMAC secret (HS256, HS384 or HS512)
 * or public key (RS256 for an RSA key, ES256 for a P-256 EC key), not expired and already valid
 * (within the leeway), from the configured issuer and for the configured audience, with a
 * {@code sub}. The token comes from {@code Authorization: Bearer T}, else from the query
 * parameter {@code token} (browsers cannot set headers on a WebSocket). The session's principal
 * is a {@link JwtPrincipal} and its id the token's {@code sub}.
 *
 * <p>Refusals, all before the upgrade: no token, a malformed one, another algorithm, a bad
 * signature, an expired or not-yet-valid one, no subject or a malformed {@code rooms} claim → 401;
 * a wrong issuer or audience → 403.
 *
 * <pre>{@code
 * JwtAuthenticator jwt = JwtAuthenticator.hmac(secret).issuer("https://login.example").audience("chat").build();
 * Hub hub = Hub.builder().authenticator(jwt).handler(JwtSessions.install(RoomProtocol.router(), jwt, scheduler).build()).build();
 * }</pre>
 */
public final class JwtAuthenticator implements Authenticator {

    /** The HMAC secret's minimum: RFC 7518 §3.2 wants a key at least as long as HS256's hash. */
    static final int MIN_SECRET_BYTES = 32;
    static final String ROOMS_CLAIM = "rooms";
    private static final String BEARER = "bearer ";

    /** By the header's {@code alg}: a token names its algorithm, and only these are accepted. */
    private final Map<String, JWTVerifier> verifiers;
    private final String header;
    private final String queryParameter;
    private final Duration leeway;
    private final Clock clock;

    private JwtAuthenticator(Builder b, Map<String, JWTVerifier> verifiers) {
        this.verifiers = verifiers;
        this.header = b.header;
        this.queryParameter = b.queryParameter;
        this.leeway = b.leeway;
        this.clock = b.clock;
    }

    /**
     * Tokens signed with this secret (its UTF-8 bytes), with HS256, HS384 or HS512.
     *
     * @throws IllegalArgumentException when it is shorter than 32 bytes
     */
    public static Builder hmac(String secret) {
        Objects.requireNonNull(secret, "secret");
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("jwt secret must be at least " + MIN_SECRET_BYTES + " bytes, was "
                    + bytes.length);
        }
        return new Builder(Map.of("HS256", Algorithm.HMAC256(bytes), "HS384", Algorithm.HMAC384(bytes),
                "HS512", Algorithm.HMAC512(bytes)));
    }

    /**
     * Tokens signed by the private half of this PEM {@code PUBLIC KEY}: RS256 for an RSA key,
     * ES256 for an EC key.
     *
     * @throws IllegalArgumentException when the text is no PEM public key of an RSA or EC key
     */
    public static Builder publicKey(String pem) {
        PublicKey key = PemPublicKey.parse(Objects.requireNonNull(pem, "pem"));
        if (key instanceof RSAPublicKey rsa) {
            return new Builder(Map.of("RS256", Algorithm.RSA256(rsa, null)));
        }
        return new Builder(Map.of("ES256", Algorithm.ECDSA256((ECPublicKey) key, null)));
    }

    @Override
    public Result authenticate(Handshake handshake) {
        String token = token(handshake);
        if (token == null) {
            return Result.unauthorized("Missing token");
        }
        try {
            JwtPrincipal principal = verify(token);
            return Result.accept(principal, principal.subject());
        } catch (InvalidTokenException e) {
            return e.status() == 401 ? Result.unauthorized(e.getMessage()) : Result.forbidden(e.getMessage());
        }
    }

    /**
     * Checks a token as {@link #authenticate} does (for a {@code refresh}, say).
     *
     * @throws InvalidTokenException with the status and reason the upgrade would be refused with
     */
    public JwtPrincipal verify(String token) throws InvalidTokenException {
        DecodedJWT jwt;
        try {
            jwt = JWT.decode(token);
        } catch (JWTDecodeException e) {
            throw new InvalidTokenException(401, "Malformed token");
        }
        JWTVerifier verifier = verifiers.get(jwt.getAlgorithm());
        if (verifier == null) {
            throw new InvalidTokenException(401, "Unsupported algorithm");
        }
        try {
            verifier.verify(jwt);
        } catch (JWTVerificationException e) {
            throw refusal(e);
        }
        if (jwt.getSubject() == null || jwt.getSubject().isEmpty()) {
            throw new InvalidTokenException(401, "Token has no subject");
        }
        return new JwtPrincipal(jwt.getSubject(), jwt.getExpiresAtAsInstant(), rooms(jwt.getClaim(ROOMS_CLAIM)));
    }

    /** How late a token's {@code exp} and how early its {@code nbf} are still taken. */
    public Duration leeway() {
        return leeway;
    }

    Clock clock() {
        return clock;
    }

    private String token(Handshake handshake) {
        String value = handshake.header(header).orElse("");
        if (value.length() > BEARER.length() && value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return value.substring(BEARER.length()).trim();
        }
        if (queryParameter.isEmpty()) {
            return null;
        }
        List<String> values = handshake.queryParameters().get(queryParameter);
        return values == null || values.size() != 1 || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static InvalidTokenException refusal(JWTVerificationException e) {
        if (e instanceof TokenExpiredException) {
            return new InvalidTokenException(401, "Token expired");
        }
        if (e instanceof SignatureVerificationException) {
            return new InvalidTokenException(401, "Invalid signature");
        }
        if (e instanceof AlgorithmMismatchException) {
            return new InvalidTokenException(401, "Unsupported algorithm");
        }
        String claim = e instanceof IncorrectClaimException i ? i.getClaimName()
                : e instanceof MissingClaimException m ? m.getClaimName() : "";
        return switch (claim) {
            case "iss" -> new InvalidTokenException(403, "Wrong issuer");
            case "aud" -> new InvalidTokenException(403, "Wrong audience");
            case "nbf" -> new InvalidTokenException(401, "Token not yet valid");
            case "iat" -> new InvalidTokenException(401, "Token issued in the future");
            default -> new InvalidTokenException(401, e instanceof InvalidClaimException ? "Invalid claim" : "Invalid token");
        };
    }

    /** The {@code rooms} claim: absent (null) or a list of strings. */
    private static List<String> rooms(Claim claim) throws InvalidTokenException {
        if (claim.isMissing() || claim.isNull()) {
            return null;
        }
        List<Object> list;
        try {
            list = claim.asList(Object.class);
        } catch (JWTDecodeException e) {
            list = null;
        }
        if (list == null) {
            throw new InvalidTokenException(401, "Malformed rooms claim");
        }
        List<String> rooms = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new InvalidTokenException(401, "Malformed rooms claim");
            }
            rooms.add(s);
        }
        return rooms;
    }

    /** Configures a {@link JwtAuthenticator}; issuer and audience are checked only when given. */
    public static final class Builder {
        private final Map<String, Algorithm> algorithms;
        private final List<Function<Verification, Verification>> checks = new ArrayList<>();
        private String header = "Authorization";
        private String queryParameter = "token";
        private Duration leeway = Duration.ZERO;
        private Clock clock = Clock.systemUTC();

        private Builder(Map<String, Algorithm> algorithms) {
            this.algorithms = algorithms;
        }

        /** The {@code iss} a token must have. */
        public Builder issuer(String issuer) {
            Objects.requireNonNull(issuer, "issuer");
            checks.add(v -> v.withIssuer(issuer));
            return this;
        }

        /** An {@code aud} a token must name (among others, if it names several). */
        public Builder audience(String audience) {
            Objects.requireNonNull(audience, "audience");
            checks.add(v -> v.withAudience(audience));
            return this;
        }

        /** How far clocks may disagree: {@code exp} and {@code nbf} are taken this much late or early; default zero. */
        public Builder leeway(Duration leeway) {
            Objects.requireNonNull(leeway, "leeway");
            if (leeway.isNegative()) {
                throw new IllegalArgumentException("leeway must not be negative, was " + leeway);
            }
            this.leeway = leeway;
            return this;
        }

        /** The header carrying {@code Bearer T}; default {@code Authorization}. */
        public Builder header(String header) {
            this.header = Objects.requireNonNull(header, "header");
            return this;
        }

        /** The query parameter carrying the token when the header does not; default {@code token}, empty turns it off. */
        public Builder queryParameter(String queryParameter) {
            this.queryParameter = Objects.requireNonNull(queryParameter, "queryParameter");
            return this;
        }

        /** The clock {@code exp} and {@code nbf} are read by; default the system's. For tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The authenticator. */
        public JwtAuthenticator build() {
            Map<String, JWTVerifier> verifiers = new HashMap<>();
            algorithms.forEach((name, algorithm) -> {
                Verification v = JWT.require(algorithm).acceptLeeway(leeway.toSeconds());
                for (Function<Verification, Verification> check : checks) {
                    v = check.apply(v);
                }
                // Only the implementation takes a clock; JWT.require always returns it.
                verifiers.put(name, ((JWTVerifier.BaseVerification) v).build(clock));
            });
            return new JwtAuthenticator(this, Map.copyOf(verifiers));
        }
    }
}
