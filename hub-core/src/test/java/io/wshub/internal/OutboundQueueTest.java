package io.wshub.internal;

import io.wshub.Message;
import io.wshub.OverflowPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundQueueTest {

    private static List<String> drainAll(OutboundQueue q) {
        Message[] batch = new Message[1000];
        int n = q.drainTo(batch, Long.MAX_VALUE);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(batch[i].text());
        }
        return texts;
    }

    @Test
    void keepsOrderAcrossGrowthAndWrapAround() {
        OutboundQueue q = new OutboundQueue(1000, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        Message[] two = new Message[2];
        List<String> expected = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 7; i++) {
                assertThat(q.offer(Message.text("f" + next), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
                expected.add("f" + next++);
            }
            int n = q.drainTo(two, Long.MAX_VALUE);
            assertThat(n).isEqualTo(2);
            assertThat(two[0].text()).isEqualTo(expected.remove(0));
            assertThat(two[1].text()).isEqualTo(expected.remove(0));
        }
        assertThat(drainAll(q)).isEqualTo(expected);
        assertThat(q.size()).isZero();
        assertThat(q.bytes()).isZero();
    }

    @Test
    void dropNewestRefusesOnceFullByCount() {
        OutboundQueue q = new OutboundQueue(2, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        q.offer(Message.text("a"), 0);
        q.offer(Message.text("b"), 0);
        assertThat(q.offer(Message.text("c"), 0)).isEqualTo(OutboundQueue.Outcome.REFUSED);
        assertThat(drainAll(q)).containsExactly("a", "b");
    }

    @Test
    void dropOldestDiscardsAsManyAsNeededForTheBytes() {
        OutboundQueue q = new OutboundQueue(100, 10, OverflowPolicy.DROP_OLDEST);
        q.offer(Message.text("aaa"), 0);
        q.offer(Message.text("bbb"), 0);
        q.offer(Message.text("ccc"), 0);
        assertThat(q.offer(Message.text("dddddd"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED_AFTER_DROPPING_OLDEST);
        assertThat(q.lastDropped()).isEqualTo(2);
        assertThat(q.lastDroppedBytes()).isEqualTo(6);
        assertThat(drainAll(q)).containsExactly("ccc", "dddddd");
    }

    @Test
    void disconnectReportsOverflowAndChangesNothing() {
        OutboundQueue q = new OutboundQueue(1, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        q.offer(Message.text("a"), 0);
        assertThat(q.offer(Message.text("b"), 0)).isEqualTo(OutboundQueue.Outcome.OVERFLOW);
        assertThat(drainAll(q)).containsExactly("a");
    }

    @Test
    void whileTheWriterWaitsForItsTurnTheQueueTakesTwiceItsLimitsAndThenAppliesItsPolicy() {
        OutboundQueue q = new OutboundQueue(2, 10, OverflowPolicy.DISCONNECT);
        q.offer(Message.text("aa"), 0);
        q.offer(Message.text("bb"), 0);
        assertThat(q.isPastLimit()).isFalse();
        assertThat(q.offer(Message.text("cc"), null, 0, true)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.isPastLimit()).isTrue();
        q.offer(Message.text("dd"), null, 0, true);
        assertThat(q.offer(Message.text("ee"), null, 0, true)).isEqualTo(OutboundQueue.Outcome.OVERFLOW); // five past twice two
        // By bytes too: twenty bytes at most.
        OutboundQueue bytes = new OutboundQueue(100, 10, OverflowPolicy.DROP_NEWEST);
        bytes.offer(Message.text("aaaaaaaa"), 0);
        assertThat(bytes.offer(Message.text("bbbbbbbbbb"), null, 0, true)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(bytes.isPastLimit()).isTrue();
        assertThat(bytes.offer(Message.text("cccc"), null, 0, true)).isEqualTo(OutboundQueue.Outcome.REFUSED);
        // Once the writer has its turn, its own limits again.
        assertThat(q.offer(Message.text("ee"), null, 0, false)).isEqualTo(OutboundQueue.Outcome.OVERFLOW);
        drainAll(q);
        assertThat(q.isPastLimit()).isFalse();
    }

    @Test
    void theOldestQueuedTimeIsTheHeadsAcrossDrainsDropsGrowthAndCancelledAnnouncements() {
        OutboundQueue q = new OutboundQueue(100, 20, OverflowPolicy.DROP_OLDEST);
        q.offer(Message.text("aaa"), 10);
        q.offer(Message.text("bbb"), 20);
        assertThat(q.oldestQueuedAt()).isEqualTo(10);

        q.drainTo(new Message[1], Long.MAX_VALUE);
        assertThat(q.oldestQueuedAt()).as("after a drain").isEqualTo(20);

        for (int i = 0; i < 5; i++) {
            q.offer(Message.text("c" + i), 30 + i); // grows the ring past its first 4 slots
        }
        assertThat(q.oldestQueuedAt()).as("across growth").isEqualTo(20);

        q.offer(Message.text("dddddddddd"), 40); // 10 bytes: the oldest go to make room
        assertThat(q.oldestQueuedAt()).as("after dropping the oldest (bbb)").isEqualTo(30);
    }

    @Test
    void aCancelledAnnouncementAtTheHeadLeavesTheNextOneOldest() {
        OutboundQueue q = new OutboundQueue(2, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        q.offer(Message.text("m1"), 1);
        q.offer(arrived("ann"), 2);
        q.offer(Message.text("m3"), 3);
        q.drainTo(new Message[1], Long.MAX_VALUE); // m1: the arrival is at the head
        assertThat(q.offer(left("ann"), 4)).as("half full: cancels the waiting arrival")
                .isEqualTo(OutboundQueue.Outcome.COALESCED);

        assertThat(q.oldestQueuedAt()).isEqualTo(3);
    }

    @Test
    void anEmptyQueueTakesAnyFrame() {
        OutboundQueue q = new OutboundQueue(1, 1, OverflowPolicy.DISCONNECT);
        assertThat(q.offer(Message.text("far more than one byte"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
    }

    @Test
    void aDrainStopsAtTheByteBudgetButAlwaysTakesOneFrame() {
        OutboundQueue q = new OutboundQueue(10, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        q.offer(Message.text("x".repeat(50)), 0);
        q.offer(Message.text("y".repeat(50)), 0);
        q.offer(Message.text("z".repeat(50)), 0);
        Message[] batch = new Message[10];
        assertThat(q.drainTo(batch, 20)).isEqualTo(1);
        assertThat(q.drainTo(batch, 100)).isEqualTo(2);
    }

    @Test
    void clearReturnsTheBytesItDiscarded() {
        OutboundQueue q = new OutboundQueue(10, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        q.offer(Message.text("12345"), 0);
        q.offer(Message.text("678"), 0);
        assertThat(q.clear()).isEqualTo(8);
        assertThat(q.size()).isZero();
    }

    // ---- presence announcements ----

    private static Message arrived(String who) {
        return Message.text("joined " + who).asPresence(who, true);
    }

    private static Message left(String who) {
        return Message.text("left " + who).asPresence(who, false);
    }

    private static void fillHalf(OutboundQueue q, int maxMessages) {
        for (int i = 0; i < maxMessages / 2; i++) {
            assertThat(q.offer(Message.text("m" + i), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        }
    }

    @Test
    void belowHalfFullEveryAnnouncementIsQueuedAsItCame() {
        OutboundQueue q = new OutboundQueue(10, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        assertThat(q.offer(arrived("ann"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(left("ann"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(drainAll(q)).containsExactly("joined ann", "left ann");
    }

    @Test
    void onceHalfFullAnArrivalAndADepartureNotYetSeenCancelOut() {
        OutboundQueue q = new OutboundQueue(10, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        fillHalf(q, 10);
        q.offer(arrived("ann"), 0);
        q.offer(arrived("bob"), 0);
        assertThat(q.offer(left("ann"), 0)).isEqualTo(OutboundQueue.Outcome.COALESCED);
        assertThat(q.size()).isEqualTo(6);
        assertThat(drainAll(q)).containsExactly("m0", "m1", "m2", "m3", "m4", "joined bob");
    }

    @Test
    void aPairThatWaitedSinceBeforeTheQueueFilledCancelsToo() {
        OutboundQueue q = new OutboundQueue(10, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        q.offer(left("ann"), 0);
        fillHalf(q, 10);
        assertThat(q.offer(arrived("ann"), 0)).isEqualTo(OutboundQueue.Outcome.COALESCED);
        assertThat(drainAll(q)).containsExactly("m0", "m1", "m2", "m3", "m4");
    }

    @Test
    void theLatestStateOfAKeyReplacesTheOneWaitingInItsPlace() {
        OutboundQueue q = new OutboundQueue(10, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        fillHalf(q, 10);
        q.offer(Message.text("away ann").asPresence("ann", true), 0);
        q.offer(Message.text("after"), 0);
        assertThat(q.offer(Message.text("back ann").asPresence("ann", true), 0)).isEqualTo(OutboundQueue.Outcome.COALESCED);
        assertThat(q.bytes()).isEqualTo(5 * 2 + "back ann".length() + "after".length());
        assertThat(drainAll(q)).containsExactly("m0", "m1", "m2", "m3", "m4", "back ann", "after");
    }

    @Test
    void announcementsCountAgainstTheBytesButNotTheMessageLimit() {
        OutboundQueue q = new OutboundQueue(4, 10_000, OverflowPolicy.DISCONNECT);
        for (int i = 0; i < 500; i++) {
            assertThat(q.offer(arrived("user" + i), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(q.offer(Message.text("m" + i), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        }
        assertThat(q.offer(Message.text("one too many"), 0)).isEqualTo(OutboundQueue.Outcome.OVERFLOW);
        assertThat(q.size()).isEqualTo(504);

        OutboundQueue small = new OutboundQueue(4, 100, OverflowPolicy.DISCONNECT);
        for (int i = 0; i < 11; i++) {
            assertThat(small.offer(arrived("u" + i), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED); // 9 bytes each
        }
        assertThat(small.offer(arrived("u11"), 0)).isEqualTo(OutboundQueue.Outcome.OVERFLOW);
    }

    @Test
    void aKeyThatFlapsForeverDoesNotGrowTheQueueOfAReaderThatReadsNothing() {
        OutboundQueue q = new OutboundQueue(8, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        fillHalf(q, 8);
        int slotsBefore = -1;
        for (int i = 0; i < 100_000; i++) {
            q.offer(arrived("ann"), 0);
            q.offer(left("ann"), 0);
            if (i == 10) {
                slotsBefore = q.slots();
            }
        }
        assertThat(q.slots()).isEqualTo(slotsBefore).isLessThanOrEqualTo(16);
        assertThat(drainAll(q)).containsExactly("m0", "m1", "m2", "m3");
    }

    @Test
    void emptySlotsLeftByCancelledPairsAreSkippedInOrderAcrossWrapAround() {
        OutboundQueue q = new OutboundQueue(8, Long.MAX_VALUE, OverflowPolicy.DROP_OLDEST);
        Message[] one = new Message[1];
        List<String> seen = new ArrayList<>();
        fillHalf(q, 8);
        for (int round = 0; round < 50; round++) {
            q.offer(arrived("a" + round), 0);
            q.offer(Message.text("r" + round), 0);
            q.offer(left("a" + round), 0);
            assertThat(q.drainTo(one, Long.MAX_VALUE)).isEqualTo(1);
            seen.add(one[0].text());
        }
        seen.addAll(drainAll(q));
        List<String> expected = new ArrayList<>(List.of("m0", "m1", "m2", "m3"));
        for (int round = 0; round < 50; round++) {
            expected.add("r" + round);
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(q.size()).isZero();
    }

    private static Delivery latest(String key) {
        return new Delivery(OverflowPolicy.DROP_OLDEST, key);
    }

    @Test
    void aConflatedFrameReplacesTheWaitingOneOfItsKeyInItsPlaceWhateverTheFill() {
        OutboundQueue q = new OutboundQueue(100, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        q.offer(Message.text("a1"), latest("a"), 0, false);
        q.offer(Message.text("b1"), latest("b"), 0, false);
        q.offer(Message.text("plain"), 0);
        assertThat(q.offer(Message.text("a22"), latest("a"), 0, false)).isEqualTo(OutboundQueue.Outcome.COALESCED);
        assertThat(q.offer(Message.text("a333"), latest("a"), 0, false)).isEqualTo(OutboundQueue.Outcome.COALESCED);
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.bytes()).isEqualTo("a333".length() + "b1".length() + "plain".length());
        assertThat(drainAll(q)).containsExactly("a333", "b1", "plain");
        // Drained: the next one of a key is new again.
        assertThat(q.offer(Message.text("a4"), latest("a"), 0, false)).isEqualTo(OutboundQueue.Outcome.QUEUED);
    }

    @Test
    void aConflationKeyAndAPresenceKeyOfTheSameTextAreDifferentThings() {
        OutboundQueue q = new OutboundQueue(2, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        q.offer(Message.text("m"), 0); // half full: presence coalesces from here on
        q.offer(arrived("ann"), 0);
        assertThat(q.offer(Message.text("price"), latest("ann"), 0, false)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(left("ann"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED); // the index now names the price
        assertThat(drainAll(q)).containsExactly("m", "joined ann", "price", "left ann");
    }

    @Test
    void aFramesOwnPolicyDecidesWhenItDoesNotFit() {
        OutboundQueue q = new OutboundQueue(2, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        q.offer(Message.text("a"), 0);
        q.offer(Message.text("b"), 0);
        assertThat(q.offer(Message.text("c"), Delivery.of(OverflowPolicy.DROP_NEWEST), 0, false)).isEqualTo(OutboundQueue.Outcome.REFUSED);
        assertThat(q.offer(Message.text("d"), Delivery.of(OverflowPolicy.DROP_OLDEST), 0, false))
                .isEqualTo(OutboundQueue.Outcome.QUEUED_AFTER_DROPPING_OLDEST);
        assertThat(q.offer(Message.text("e"), 0)).isEqualTo(OutboundQueue.Outcome.OVERFLOW);
        // A new key that does not fit is queued as drop_oldest.
        assertThat(q.offer(Message.text("k"), latest("k"), 0, false)).isEqualTo(OutboundQueue.Outcome.QUEUED_AFTER_DROPPING_OLDEST);
        assertThat(drainAll(q)).containsExactly("d", "k");
    }

    @Test
    void theMarksAreHalfOfEitherLimitAndAQuarterOfBoth() {
        OutboundQueue q = new OutboundQueue(8, 1000, OverflowPolicy.DROP_OLDEST);
        for (int i = 0; i < 3; i++) {
            q.offer(Message.text("m" + i), 0);
        }
        assertThat(q.isAboveHighMark()).isFalse();
        assertThat(q.isBelowLowMark()).isFalse();
        q.offer(Message.text("m3"), 0);
        assertThat(q.isAboveHighMark()).isTrue();
        OutboundQueue bytes = new OutboundQueue(8, 1000, OverflowPolicy.DROP_OLDEST);
        bytes.offer(Message.text("x".repeat(500)), 0);
        assertThat(bytes.isAboveHighMark()).isTrue();
        assertThat(new OutboundQueue(8, 1000, OverflowPolicy.DROP_OLDEST).isBelowLowMark()).isTrue();
    }

    @Test
    void sheddingCutsTheOldestBackToTheLowMark() {
        OutboundQueue q = new OutboundQueue(8, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        for (int i = 0; i < 8; i++) {
            q.offer(Message.text("m" + i), 0);
        }
        assertThat(q.shed()).isEqualTo(OutboundQueue.Outcome.QUEUED_AFTER_DROPPING_OLDEST);
        assertThat(q.lastDropped()).isEqualTo(6);
        assertThat(drainAll(q)).containsExactly("m6", "m7");
        assertThat(q.shed()).isEqualTo(OutboundQueue.Outcome.QUEUED); // nothing left to cut
    }

    @Test
    void sheddingAFrameWhosePolicyIsToDisconnectOverflowsAndChangesNothing() {
        OutboundQueue q = new OutboundQueue(8, Long.MAX_VALUE, OverflowPolicy.DROP_OLDEST);
        q.offer(Message.text("chat"), Delivery.of(OverflowPolicy.DISCONNECT), 0, false);
        for (int i = 0; i < 7; i++) {
            q.offer(Message.text("m" + i), 0);
        }
        assertThat(q.shed()).isEqualTo(OutboundQueue.Outcome.OVERFLOW);
        assertThat(q.size()).isEqualTo(8);
    }

    // ---- replayed frames ----

    @Test
    void replayedFramesAreQueuedBeyondBothLimitsAndCountAgainstNeither() {
        OutboundQueue q = new OutboundQueue(2, 10, OverflowPolicy.DISCONNECT);
        for (int i = 0; i < 50; i++) {
            q.offerReplayed(Message.text("replay-" + i), 0); // far more than 2 frames and 10 bytes
        }
        assertThat(q.offer(Message.text("live1"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(Message.text("li2"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(Message.text("x"), 0)).as("the live frames alone fill the queue")
                .isEqualTo(OutboundQueue.Outcome.OVERFLOW);
        List<String> all = drainAll(q);
        assertThat(all).hasSize(52).endsWith("live1", "li2");
        assertThat(all.get(0)).isEqualTo("replay-0");
        assertThat(q.bytes()).isZero();
    }

    @Test
    void whatFollowsAReplayIsMeasuredAsIfTheReplayWereNotThere() {
        OutboundQueue q = new OutboundQueue(3, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        q.offer(Message.text("before"), 0);
        q.offerReplayed(Message.text("r1"), 0);
        q.offerReplayed(Message.text("r2"), 0);
        assertThat(q.offer(Message.text("after1"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(Message.text("after2"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(Message.text("after3"), 0)).isEqualTo(OutboundQueue.Outcome.REFUSED);
        Message[] two = new Message[2];
        q.drainTo(two, Long.MAX_VALUE); // "before" and "r1" leave: one counted slot frees
        assertThat(q.offer(Message.text("after3"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(drainAll(q)).containsExactly("r2", "after1", "after2", "after3");
    }

    @Test
    void replayedFramesKeepTheirPlaceWhenTheRingGrowsOrPacks() {
        OutboundQueue q = new OutboundQueue(1000, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (i % 3 == 0) {
                q.offerReplayed(Message.text("r" + i), 0);
            } else {
                q.offer(Message.text("f" + i), 0);
            }
            expected.add((i % 3 == 0 ? "r" : "f") + i);
        }
        assertThat(q.size()).isEqualTo(40);
        assertThat(drainAll(q)).isEqualTo(expected);
        assertThat(q.offer(Message.text("next"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
    }

    @Test
    void anEmptyQueueOfCountedFramesTakesAnyFrameBehindAReplay() {
        OutboundQueue q = new OutboundQueue(10, 4, OverflowPolicy.DISCONNECT);
        q.offerReplayed(Message.text("replayed"), 0);
        assertThat(q.offer(Message.text("much larger than four bytes"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED);
    }

    @Test
    void replayedFramesLeaveTheMarksWhereTheyWere() {
        OutboundQueue q = new OutboundQueue(8, 1000, OverflowPolicy.DISCONNECT);
        for (int i = 0; i < 100; i++) {
            q.offerReplayed(Message.text("x".repeat(100)), 0); // 12 times the message limit, 10 times the bytes
        }
        assertThat(q.isAboveHighMark()).isFalse();
        assertThat(q.isBelowLowMark()).isTrue();
        assertThat(q.counted()).isZero();
        assertThat(q.countedBytes()).isZero();
        assertThat(q.bytes()).isEqualTo(10_000);
        for (int i = 0; i < 4; i++) {
            q.offer(Message.text("m" + i), 0);
        }
        assertThat(q.isAboveHighMark()).as("the live frames alone cross the high mark").isTrue();
        assertThat(q.counted()).isEqualTo(4);
        assertThat(q.countedBytes()).isEqualTo(8);
    }

    @Test
    void droppingTheOldestPassesOverReplayedFrames() {
        OutboundQueue q = new OutboundQueue(2, Long.MAX_VALUE, OverflowPolicy.DROP_OLDEST);
        q.offer(Message.text("before"), 0);
        q.offerReplayed(Message.text("r1"), 0);
        q.offerReplayed(Message.text("r2"), 0);
        q.offer(Message.text("after1"), 0);
        assertThat(q.offer(Message.text("after2"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED_AFTER_DROPPING_OLDEST);
        assertThat(q.lastDropped()).isEqualTo(1);
        assertThat(q.offer(Message.text("after3"), 0)).isEqualTo(OutboundQueue.Outcome.QUEUED_AFTER_DROPPING_OLDEST);
        assertThat(q.lastDropped()).as("the oldest live frame behind the replay").isEqualTo(1);
        assertThat(drainAll(q)).containsExactly("r1", "r2", "after2", "after3");
    }

    @Test
    void sheddingCutsOnlyWhatCountsAndLeavesTheReplayWhole() {
        OutboundQueue q = new OutboundQueue(8, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        q.offer(Message.text("m0"), 0);
        for (int i = 0; i < 20; i++) {
            q.offerReplayed(Message.text("r" + i), 0);
        }
        for (int i = 1; i < 8; i++) {
            q.offer(Message.text("m" + i), 0);
        }
        assertThat(q.shed()).isEqualTo(OutboundQueue.Outcome.QUEUED_AFTER_DROPPING_OLDEST);
        assertThat(q.lastDropped()).isEqualTo(6);
        List<String> left = drainAll(q);
        assertThat(left).hasSize(22).endsWith("m6", "m7");
        assertThat(left.subList(0, 20)).allMatch(f -> f.startsWith("r"));
    }

    @Test
    void aReplayedFrameConflatesWithNothing() {
        OutboundQueue q = new OutboundQueue(100, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        q.offerReplayed(Message.text("r1"), 0);
        q.offer(Message.text("a1"), latest("a"), 0, false);
        q.offerReplayed(Message.text("r2"), 0);
        assertThat(q.offer(Message.text("a2"), latest("a"), 0, false)).isEqualTo(OutboundQueue.Outcome.COALESCED);
        assertThat(drainAll(q)).containsExactly("r1", "a2", "r2");
    }
}
