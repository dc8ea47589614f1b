package io.wshub.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The capacity model's arithmetic, on the measured costs. */
class CapacityModelTest {

    private static final CapacityModel.Costs COSTS = CapacityModel.MEASURED;
    private static final int MEMBERS = 20;
    private static final int CORES = 2;

    @Test
    void aRoomOfOneMemberIsOnOneNodeAndALargeRoomOnNearlyAll() {
        assertThat(CapacityModel.nodesPerRoom(100, 1)).isCloseTo(1, within(1e-9));
        assertThat(CapacityModel.nodesPerRoom(1, 20)).isCloseTo(1, within(1e-9));
        assertThat(CapacityModel.nodesPerRoom(10, 1_000)).isCloseTo(10, within(1e-6));
    }

    @Test
    void onOneNodeBothRoutingsCarryTheSame() {
        assertThat(CapacityModel.byInterest(COSTS, 1, 1, MEMBERS, CORES).messagesPerSecond())
                .isCloseTo(CapacityModel.everyRoom(COSTS, 1, MEMBERS, CORES).messagesPerSecond(), within(1e-6));
    }

    @Test
    void todaysRoutingStopsGrowingBecauseOneRedisCopiesEveryMessageToEveryNode() {
        CapacityModel.Capacity ten = CapacityModel.everyRoom(COSTS, 10, MEMBERS, CORES);
        CapacityModel.Capacity hundred = CapacityModel.everyRoom(COSTS, 100, MEMBERS, CORES);
        assertThat(hundred.redisBound()).isTrue();
        assertThat(hundred.messagesPerSecond()).isLessThan(ten.messagesPerSecond());
    }

    @Test
    void byInterestWithEnoughShardsCapacityGrowsWithEveryNodeAdded() {
        double previous = 0;
        for (int n : CapacityModel.NODES) {
            int shards = CapacityModel.shardsToBeNodeBound(COSTS, n, MEMBERS, CORES);
            double now = CapacityModel.byInterest(COSTS, n, shards, MEMBERS, CORES).messagesPerSecond();
            assertThat(now).as("%d nodes", n).isGreaterThan(previous);
            previous = now;
        }
    }

    @Test
    void byInterestWithOneShardPerFiveNodesCapacityGrowsWithTheShards() {
        double five = CapacityModel.byInterest(COSTS, 5, CapacityModel.shardsFor(5), MEMBERS, CORES).messagesPerSecond();
        double hundred = CapacityModel.byInterest(COSTS, 100, CapacityModel.shardsFor(100), MEMBERS, CORES)
                .messagesPerSecond();
        assertThat(hundred).isGreaterThan(10 * five);
    }

    @Test
    void byInterestOnOneRedisIsBoundByThatRedis() {
        CapacityModel.Capacity c = CapacityModel.byInterest(COSTS, 100, 1, MEMBERS, CORES);
        assertThat(c.redisBound()).isTrue();
        double k = CapacityModel.nodesPerRoom(100, MEMBERS);
        assertThat(c.messagesPerSecond()).isCloseTo(1e6 / (COSTS.scriptMicros() + k * COSTS.copyMicros()), within(1e-6));
    }

    @Test
    void withEnoughShardsTheNodesBoundItAndItGrowsAboutLinearly() {
        int shards = CapacityModel.shardsToBeNodeBound(COSTS, 100, MEMBERS, CORES);
        assertThat(CapacityModel.byInterest(COSTS, 100, shards, MEMBERS, CORES).redisBound()).isFalse();
        assertThat(CapacityModel.byInterest(COSTS, 100, shards - 1, MEMBERS, CORES).redisBound()).isTrue();
        double ten = CapacityModel.byInterest(COSTS, 10, CapacityModel.shardsToBeNodeBound(COSTS, 10, MEMBERS, CORES),
                MEMBERS, CORES).messagesPerSecond();
        double hundred = CapacityModel.byInterest(COSTS, 100, shards, MEMBERS, CORES).messagesPerSecond();
        assertThat(hundred / ten).isBetween(5.0, 10.0); // below 10: bigger clusters spread each room over more nodes
    }
}
