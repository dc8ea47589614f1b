package io.wshub.internal;

import io.wshub.Frame;
import io.wshub.OverflowPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundQueueTest {

    private static List<String> drainAll(OutboundQueue q) {
        Frame[] batch = new Frame[1000];
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
        Frame[] two = new Frame[2];
        List<String> expected = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 7; i++) {
                assertThat(q.offer(Frame.text("f" + next))).isEqualTo(OutboundQueue.Outcome.QUEUED);
                expected.add("f" + next++);
            }
            int n = q.drainTo(two, Long.MAX_VALUE);
            assertThat(n).isEqualTo(2);
            assertThat(two[0].text()).isEqualTo(expected.remove(0));
            assertThat(two[1].text()).isEqualTo(expected.remove(0));
        }
        assertThat(drainAll(q)).isEqualTo(expected);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.bytes()).isZero();
    }

    @Test
    void dropNewestRefusesOnceFullByCount() {
        OutboundQueue q = new OutboundQueue(2, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        q.offer(Frame.text("a"));
        q.offer(Frame.text("b"));
        assertThat(q.offer(Frame.text("c"))).isEqualTo(OutboundQueue.Outcome.REFUSED);
        assertThat(drainAll(q)).containsExactly("a", "b");
    }

    @Test
    void dropOldestDiscardsAsManyAsNeededForTheBytes() {
        OutboundQueue q = new OutboundQueue(100, 10, OverflowPolicy.DROP_OLDEST);
        q.offer(Frame.text("aaa"));
        q.offer(Frame.text("bbb"));
        q.offer(Frame.text("ccc"));
        assertThat(q.offer(Frame.text("dddddd"))).isEqualTo(OutboundQueue.Outcome.QUEUED_AFTER_DROPPING_OLDEST);
        assertThat(q.lastDropped()).isEqualTo(2);
        assertThat(q.lastDroppedBytes()).isEqualTo(6);
        assertThat(drainAll(q)).containsExactly("ccc", "dddddd");
    }

    @Test
    void disconnectReportsOverflowAndChangesNothing() {
        OutboundQueue q = new OutboundQueue(1, Long.MAX_VALUE, OverflowPolicy.DISCONNECT);
        q.offer(Frame.text("a"));
        assertThat(q.offer(Frame.text("b"))).isEqualTo(OutboundQueue.Outcome.OVERFLOW);
        assertThat(drainAll(q)).containsExactly("a");
    }

    @Test
    void anEmptyQueueTakesAnyFrame() {
        OutboundQueue q = new OutboundQueue(1, 1, OverflowPolicy.DISCONNECT);
        assertThat(q.offer(Frame.text("far more than one byte"))).isEqualTo(OutboundQueue.Outcome.QUEUED);
    }

    @Test
    void aDrainStopsAtTheByteBudgetButAlwaysTakesOneFrame() {
        OutboundQueue q = new OutboundQueue(10, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        q.offer(Frame.text("x".repeat(50)));
        q.offer(Frame.text("y".repeat(50)));
        q.offer(Frame.text("z".repeat(50)));
        Frame[] batch = new Frame[10];
        assertThat(q.drainTo(batch, 20)).isEqualTo(1);
        assertThat(q.drainTo(batch, 100)).isEqualTo(2);
    }

    @Test
    void clearReturnsTheBytesItDiscarded() {
        OutboundQueue q = new OutboundQueue(10, Long.MAX_VALUE, OverflowPolicy.DROP_NEWEST);
        q.offer(Frame.text("12345"));
        q.offer(Frame.text("678"));
        assertThat(q.clear()).isEqualTo(8);
        assertThat(q.size()).isZero();
    }
}
