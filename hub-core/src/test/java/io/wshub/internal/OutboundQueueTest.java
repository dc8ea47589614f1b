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
}
