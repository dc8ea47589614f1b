package io.wshub.client;

import io.wshub.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class SendBufferTest {

    private static PendingSend send(String text, long deadline) {
        return new PendingSend(Message.text(text), new CompletableFuture<>(), deadline, null);
    }

    @Test
    void dropNewestRefusesAMessageBeyondTheCountLimit() {
        SendBuffer buffer = new SendBuffer(2, 1_000, BufferOverflowPolicy.DROP_NEWEST);
        List<PendingSend> dropped = new ArrayList<>();
        assertThat(buffer.offer(send("a", 1), dropped)).isTrue();
        assertThat(buffer.offer(send("b", 2), dropped)).isTrue();
        assertThat(buffer.offer(send("c", 3), dropped)).isFalse();
        assertThat(dropped).isEmpty();
        assertThat(buffer.poll().frame().text()).isEqualTo("a");
    }

    @Test
    void dropOldestDiscardsFromTheFrontUntilTheNewMessageFitsTheBytes() {
        SendBuffer buffer = new SendBuffer(10, 10, BufferOverflowPolicy.DROP_OLDEST);
        List<PendingSend> dropped = new ArrayList<>();
        buffer.offer(send("aaaa", 1), dropped);
        buffer.offer(send("bbbb", 2), dropped);
        assertThat(buffer.offer(send("cccccc", 3), dropped)).isTrue();
        assertThat(dropped).extracting(p -> p.frame().text()).containsExactly("aaaa");
        assertThat(buffer.size()).isEqualTo(2);
        assertThat(buffer.bytes()).isEqualTo(10);
    }

    @Test
    void expireRemovesOnlyTheMessagesPastTheirDeadline() {
        SendBuffer buffer = new SendBuffer(10, 1_000, BufferOverflowPolicy.DROP_NEWEST);
        List<PendingSend> dropped = new ArrayList<>();
        buffer.offer(send("a", 10), dropped);
        buffer.offer(send("b", 20), dropped);
        buffer.offer(send("c", 30), dropped);
        assertThat(buffer.expire(20)).extracting(p -> p.frame().text()).containsExactly("a", "b");
        assertThat(buffer.peek().frame().text()).isEqualTo("c");
        assertThat(buffer.bytes()).isEqualTo(1);
    }
}
