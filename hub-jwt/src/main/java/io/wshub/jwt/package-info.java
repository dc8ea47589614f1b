/**
 * JWT authentication for the hub, on java-jwt: {@link io.wshub.jwt.JwtAuthenticator} checks a
 * token before the upgrade and makes its subject the session id; {@link io.wshub.jwt.JwtSessions}
 * gives a {@link io.wshub.protocol.MessageRouter} the token's room limits, the close at expiry and
 * the {@code refresh} message. The choices are in docs/security.md, "Authentication (JWT)".
 */
package io.wshub.jwt;
