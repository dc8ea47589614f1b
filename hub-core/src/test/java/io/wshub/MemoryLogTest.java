package io.wshub;

import io.wshub.protocol.Envelope;
import io.wshub.spi.MessageLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-memory history: seqs without gaps, the three bounds, and what can be recovered. */
class MemoryLogTest {

    private static final long SECOND = 1_000_000_000L;

    private static Positioned message(String content) {
        return Envelope.positioned(Envelope.message("m").put("c", content));
    }

    private static MessageLog log(int messages, long bytes, Duration age) {
        return new InMemoryDeliveryStore().roomHistory("r", HistoryLimits.of(messages, bytes, age));
    }

    private static List<String> texts(List<Message> messages) {
        return messages.stream().map(Message::text).toList();
    }

    @Test
    void messagesTakeTheSeqsOneTwoThreeAndCarryThem() {
        MessageLog log = log(10, 1_000_000, Duration.ofMinutes(1));
        assertThat(log.lastSeq()).isZero();
        assertThat(log.append(message("a"), 0).text()).isEqualTo("{\"type\":\"m\",\"c\":\"a\",\"seq\":1}");
        assertThat(log.append(message("b"), 0).text()).isEqualTo("{\"type\":\"m\",\"c\":\"b\",\"seq\":2}");
        assertThat(log.lastSeq()).isEqualTo(2);
        assertThat(texts(log.after(0, 0))).containsExactly("{\"type\":\"m\",\"c\":\"a\",\"seq\":1}",
                "{\"type\":\"m\",\"c\":\"b\",\"seq\":2}");
        assertThat(log.after(2, 0)).as("nothing missed").isEmpty();
        assertThat(log.after(3, 0)).as("beyond the latest").isNull();
        assertThat(log.after(-1, 0)).isNull();
    }

    @Test
    void theOldestGoBeyondTheMessageLimitAndCanNoLongerBeRecoveredFrom() {
        MessageLog log = log(3, 1_000_000, Duration.ofMinutes(1));
        for (int i = 1; i <= 5; i++) {
            log.append(message("m" + i), 0);
        }
        assertThat(log.messages()).isEqualTo(3);
        assertThat(log.after(1, 0)).as("the history no longer reaches seq 2").isNull();
        assertThat(texts(log.after(2, 0))).hasSize(3).first().asString().contains("\"seq\":3");
    }

    @Test
    void theOldestGoBeyondTheByteLimitButTheNewestStaysWhateverItsSize() {
        int size = message("m1").at(1).size();
        MessageLog log = log(100, 2L * size, Duration.ofMinutes(1));
        log.append(message("m1"), 0);
        log.append(message("m2"), 0);
        log.append(message("m3"), 0);
        assertThat(log.messages()).isEqualTo(2);
        assertThat(log.bytes()).isEqualTo(2L * size);
        log.append(message("x".repeat(10 * size)), 0);
        assertThat(log.messages()).isEqualTo(1);
        assertThat(log.after(3, 0)).hasSize(1);
    }

    @Test
    void messagesPastTheAgeLimitCountAsGoneAndAreTrimmed() {
        MessageLog log = log(100, 1_000_000, Duration.ofSeconds(10));
        log.append(message("old"), 0);
        log.append(message("new"), 8 * SECOND);
        assertThat(log.after(0, 9 * SECOND)).hasSize(2);
        assertThat(log.after(0, 11 * SECOND)).as("the first is older than 10 s").isNull();
        assertThat(log.after(1, 11 * SECOND)).hasSize(1);
        log.trim(11 * SECOND);
        assertThat(log.messages()).isEqualTo(1);
        log.trim(19 * SECOND);
        assertThat(log.messages()).isZero();
        assertThat(log.bytes()).isZero();
        assertThat(log.after(2, 19 * SECOND)).as("the latest is still the latest").isEmpty();
        assertThat(log.append(message("next"), 20 * SECOND).text()).contains("\"seq\":3");
    }

    @Test
    void everyHistoryHasAnEpochOfItsOwn() {
        InMemoryDeliveryStore store = new InMemoryDeliveryStore();
        String a = store.roomHistory("r", HistoryLimits.DEFAULT).epoch();
        String b = store.roomHistory("r", HistoryLimits.DEFAULT).epoch();
        assertThat(a).isNotEqualTo(b).hasSizeBetween(1, Position.MAX_EPOCH_CHARS);
    }

    @Test
    void limitsAreAllPositiveOrAllZero() {
        assertThat(HistoryLimits.OFF.isOff()).isTrue();
        assertThat(HistoryLimits.DEFAULT.isOff()).isFalse();
        assertThatThrownBy(() -> HistoryLimits.of(0, 10, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 messages");
        assertThatThrownBy(() -> HistoryLimits.of(10, 10, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Position("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Position("e", -1)).hasMessageContaining("seq must be >= 0");
    }
}
