package io.wshub.redis;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisBrokerOptionsTest {

    private static final String URI = "redis://localhost:6379";

    @Test
    void theDefaultsStateABoundOfTwentySecondsForACrashedNode() {
        RedisBrokerOptions o = RedisBrokerOptions.of(URI);

        assertThat(o.keyPrefix()).isEqualTo("wshub:");
        assertThat(o.expiry()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.refreshInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.commandTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.staleBound()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.nodeId()).matches("node-[0-9a-f]{8}");
    }

    @Test
    void theBreakerOpensAtHalfOfFiveCallsFailingOrSlowAndProbesAfterFiveSeconds() {
        RedisBrokerOptions.Breaker b = RedisBrokerOptions.of(URI).breaker();

        assertThat(b).isEqualTo(RedisBrokerOptions.Breaker.DEFAULTS);
        assertThat(b.failureRatePercent()).isEqualTo(50);
        assertThat(b.slowCallDuration()).isEqualTo(Duration.ofMillis(500));
        assertThat(b.minimumCalls()).isEqualTo(5);
        assertThat(b.window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.openDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.halfOpenCalls()).isEqualTo(3);
    }

    @Test
    void breakerSettingsAreCheckedWithTheFieldInTheMessage() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new RedisBrokerOptions.Breaker(0, s, 50, 5, s, s, 1))
                .hasMessage("breaker.failureRatePercent must be 1 to 100, was 0");
        assertThatThrownBy(() -> new RedisBrokerOptions.Breaker(50, s, 50, 5, Duration.ofMillis(1500), s, 1))
                .hasMessage("breaker.window must be whole seconds, was PT1.5S");
        assertThatThrownBy(() -> new RedisBrokerOptions.Breaker(50, s, 50, 0, s, s, 1))
                .hasMessage("breaker.minimumCalls must be at least 1, was 0");
        assertThat(RedisBrokerOptions.builder(URI).commandTimeout(Duration.ofMillis(300)).build().breaker())
                .as("a command timeout under the slow-call duration: only failures count").isEqualTo(RedisBrokerOptions.Breaker.DEFAULTS);
    }

    @Test
    void everyBrokerGetsItsOwnNodeIdUnlessOneIsGiven() {
        assertThat(RedisBrokerOptions.of(URI).nodeId()).isNotEqualTo(RedisBrokerOptions.of(URI).nodeId());
        assertThat(RedisBrokerOptions.builder(URI).nodeId("eu-1").build().nodeId()).isEqualTo("eu-1");
    }

    @Test
    void aBadUriIsRefusedWithoutShowingItsPassword() {
        assertThatThrownBy(() -> RedisBrokerOptions.of("http://secret@host:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("uri must be a Redis URI such as redis://localhost:6379, was 'http://***@host:1'")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisBrokerOptions.of(null)).isInstanceOf(NullPointerException.class).hasMessage("uri");
    }

    @Test
    void nodeIdAndKeyPrefixMustBeShortAndPlain() {
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).nodeId("has space").build())
                .hasMessage("nodeId must be 1-64 of [A-Za-z0-9_.-], was 'has space'");
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).nodeId("").build())
                .hasMessage("nodeId must be 1-64 of [A-Za-z0-9_.-], was ''");
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).keyPrefix("a b").build())
                .hasMessage("keyPrefix must be 1-64 printable ASCII characters without spaces, was 'a b'");
    }

    @Test
    void theTimingsMustLetALiveNodeMissOneHeartbeat() {
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).refreshInterval(Duration.ofMillis(99)).build())
                .hasMessage("refreshInterval must be at least PT0.1S, was PT0.099S");
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).expiry(Duration.ofSeconds(9)).build())
                .hasMessage("expiry (PT9S) must be at least twice refreshInterval (PT5S)");
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).commandTimeout(Duration.ofSeconds(6)).build())
                .hasMessage("commandTimeout must be positive and at most refreshInterval (PT5S), was PT6S");
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).commandTimeout(Duration.ZERO).build())
                .hasMessage("commandTimeout must be positive and at most refreshInterval (PT5S), was PT0S");
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).expiry(null).build())
                .isInstanceOf(NullPointerException.class).hasMessage("expiry");
    }

    @Test
    void theNodeWaitsTenSecondsToJoinAndItsCanaryComesBackWithinTwo() {
        RedisBrokerOptions o = RedisBrokerOptions.of(URI);

        assertThat(o.startupTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.canaryInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.canaryTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).startupTimeout(Duration.ZERO).build())
                .hasMessage("startupTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).canaryTimeout(Duration.ofMillis(-1)).build())
                .hasMessage("canaryTimeout must be positive, was PT-0.001S");
        assertThatThrownBy(() -> RedisBrokerOptions.builder(URI).canaryInterval(Duration.ofMillis(50)).build())
                .hasMessage("canaryInterval must be at least PT0.1S, was PT0.05S");
    }

    @Test
    void aRedisClusterUriNamesItsSeedNodesAndPutsTheHubsKeysUnderOneHashTag() {
        RedisBrokerOptions o = RedisBrokerOptions.builder("redis-cluster://secret@10.0.0.1:7000,10.0.0.2:7001")
                .keyPrefix("chat:").build();
        assertThat(o.isCluster()).isTrue();
        assertThat(o.hubPrefix()).isEqualTo("{chat:}");
        assertThat(RedisBrokerOptions.clusterSeeds(o.uri())).extracting(u -> u.getHost() + ":" + u.getPort())
                .containsExactly("10.0.0.1:7000", "10.0.0.2:7001");
        assertThat(RedisBrokerOptions.clusterSeeds(o.uri()).get(1).getCredentialsProvider()).isNotNull();
        assertThat(RedisBrokerOptions.of(URI).isCluster()).isFalse();
        assertThat(RedisBrokerOptions.of(URI).hubPrefix()).isEqualTo("wshub:");
    }

    @Test
    void aMalformedClusterSeedOrAPrefixWithBracesIsRefused() {
        assertThatThrownBy(() -> RedisBrokerOptions.of("redis-cluster://secret@host:7000,host"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("each seed must be host:port, was 'host'")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisBrokerOptions.of("redis-cluster://host:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 'host:x'");
        assertThatThrownBy(() -> RedisBrokerOptions.builder("redis-cluster://host:7000").keyPrefix("{a}:").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("keyPrefix must have no braces with Redis Cluster");
    }
}
