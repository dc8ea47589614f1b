package io.wshub;

import java.time.Duration;

/**
 * Limits on what one client address may do, checked before the origin and the authenticator so
 * that a flood costs the hub little: how many sessions it may hold at once, and how many upgrades
 * it may make, as a token bucket of {@code upgradeBurst} tokens refilled at
 * {@code upgradesPerSecond}. An upgrade over either limit is refused with HTTP 429 and a
 * {@code Retry-After}: for the rate, when the bucket has its next token; for the sessions,
 * {@link #SESSIONS_RETRY_AFTER}. An upgrade that passes takes a token even if it is refused later
 * (by the authenticator, say); one refused here takes none, so a client that waits as told is
 * served.
 *
 * <p>The address is the session's {@link Handshake#remoteAddress()}: the TCP peer's, or with
 * {@link TrustedProxies} the client's behind them. Behind a proxy the hub does not trust, every
 * client has the proxy's address and shares its limits. IPv6 addresses count by their /64 prefix
 * (the block one subscriber or one host is given, so an attacker cannot take a fresh address for
 * each upgrade). An upgrade without an address is not limited.
 *
 * <p>Memory stays bounded whatever the number of addresses: an address is tracked while it holds
 * a session or while its bucket refills (at most {@code upgradeBurst / upgradesPerSecond}), and of
 * those without a session at most {@link #TRACKED_ADDRESSES}; past that the hub forgets some of
 * them, whose buckets are then full again. Addresses holding sessions are never forgotten (there
 * are at most {@link HubOptions#maxConnections()} of them).
 *
 * <p>The library's default is {@link #NONE}: many users behind one NAT, or every user behind a
 * proxy not named in {@link TrustedProxies}, share an address. See docs/security.md.
 *
 * @param maxSessions       most sessions (and upgrades in progress) one address may hold; 0: no limit
 * @param upgradesPerSecond the bucket's refill rate; 0: no rate limit
 * @param upgradeBurst      the bucket's size: upgrades one address may make at once, at least 1
 */
public record AddressLimits(int maxSessions, double upgradesPerSecond, int upgradeBurst) {

    /** No per-address limit at all: the default. */
    public static final AddressLimits NONE = new AddressLimits(0, 0, 1);

    /** The {@code Retry-After} of a refusal at the session limit: sessions end on their own time, not the bucket's. */
    public static final Duration SESSIONS_RETRY_AFTER = Duration.ofSeconds(10);

    /** Most addresses tracked that hold no session (about 120 bytes each for IPv4, 190 for IPv6). */
    public static final int TRACKED_ADDRESSES = 100_000;

    /** Validates every field. */
    public AddressLimits {
        if (maxSessions < 0) {
            throw new IllegalArgumentException("addressLimits.maxSessions must be >= 0 (0: no limit), was " + maxSessions);
        }
        if (!(upgradesPerSecond >= 0) || Double.isInfinite(upgradesPerSecond)) {
            throw new IllegalArgumentException("addressLimits.upgradesPerSecond must be >= 0 and finite (0: no limit), was "
                    + upgradesPerSecond);
        }
        if (upgradeBurst < 1) {
            throw new IllegalArgumentException("addressLimits.upgradeBurst must be >= 1, was " + upgradeBurst);
        }
    }

    /** At most {@code maxSessions} sessions per address, and upgrades at this rate with this burst. */
    public static AddressLimits of(int maxSessions, double upgradesPerSecond, int upgradeBurst) {
        return new AddressLimits(maxSessions, upgradesPerSecond, upgradeBurst);
    }

    /** Whether the number of sessions per address is limited. */
    public boolean limitsSessions() {
        return maxSessions > 0;
    }

    /** Whether the rate of upgrades per address is limited. */
    public boolean limitsRate() {
        return upgradesPerSecond > 0;
    }

    /** Whether nothing is limited. */
    public boolean isOff() {
        return !limitsSessions() && !limitsRate();
    }
}
