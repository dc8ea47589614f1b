package io.wshub;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Policies by room pattern and by message type: how they are written, read and matched. */
class DeliveryPoliciesTest {

    @Test
    void policiesParseAsTheExampleServersWriteThemAndPrintTheSame() {
        assertThat(DeliveryPolicy.parse("disconnect")).isEqualTo(DeliveryPolicy.DISCONNECT);
        assertThat(DeliveryPolicy.parse("Drop-Newest")).isEqualTo(DeliveryPolicy.DROP_NEWEST);
        assertThat(DeliveryPolicy.parse(" drop_oldest ")).isEqualTo(DeliveryPolicy.DROP_OLDEST);
        DeliveryPolicy conflate = DeliveryPolicy.parse("conflate:symbol");
        assertThat(conflate).isEqualTo(DeliveryPolicy.conflate("symbol"));
        assertThat(conflate.conflationField()).contains("symbol");
        assertThat(conflate.overflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
        assertThat(conflate).hasToString("conflate:symbol");
        assertThat(DeliveryPolicy.DROP_NEWEST).hasToString("drop_newest");
        assertThat(DeliveryPolicy.of(OverflowPolicy.DISCONNECT)).isSameAs(DeliveryPolicy.DISCONNECT);
    }

    @Test
    void aPolicyThatDoesNotParseSaysWhatWasExpected() {
        assertThatThrownBy(() -> DeliveryPolicy.parse("conflate"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("disconnect, drop_newest, drop_oldest or conflate:FIELD").hasMessageContaining("'conflate'");
        assertThatThrownBy(() -> DeliveryPolicy.parse("conflate:"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field name");
        assertThatThrownBy(() -> DeliveryPolicy.conflate("x".repeat(257)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-256");
    }

    @Test
    void aRoomPatternMatchesTheWholeNameWithStarsForAnyRun() {
        assertThat(DeliveryPolicies.matches("ticker.*", "ticker.eu")).isTrue();
        assertThat(DeliveryPolicies.matches("ticker.*", "ticker.")).isTrue();
        assertThat(DeliveryPolicies.matches("ticker.*", "xticker.eu")).isFalse();
        assertThat(DeliveryPolicies.matches("*.eu", "ticker.eu")).isTrue();
        assertThat(DeliveryPolicies.matches("a*b*c", "aXXbYYbZc")).isTrue();
        assertThat(DeliveryPolicies.matches("a*b*c", "aXXbYYcZ")).isFalse();
        assertThat(DeliveryPolicies.matches("*", "anything")).isTrue();
        assertThat(DeliveryPolicies.matches("lobby", "lobby")).isTrue();
        assertThat(DeliveryPolicies.matches("lobby", "lobby2")).isFalse();
    }

    @Test
    void theFirstMatchingRuleOfEachKindWins() {
        DeliveryPolicies p = DeliveryPolicies.NONE
                .withRoom("ticker.eu", DeliveryPolicy.DROP_NEWEST)
                .withRoom("ticker.*", DeliveryPolicy.conflate("symbol"))
                .withType("typing", DeliveryPolicy.DROP_OLDEST);
        assertThat(p.forRoom("ticker.eu")).contains(DeliveryPolicy.DROP_NEWEST);
        assertThat(p.forRoom("ticker.us")).contains(DeliveryPolicy.conflate("symbol"));
        assertThat(p.forRoom("lobby")).isEmpty();
        assertThat(p.forType("typing")).contains(DeliveryPolicy.DROP_OLDEST);
        assertThat(p.forType("chat")).isEqualTo(Optional.empty());
        assertThat(p.hasTypeRules()).isTrue();
        assertThat(DeliveryPolicies.NONE.isEmpty()).isTrue();
        assertThat(p).hasToString("rooms[ticker.eu=drop_newest, ticker.*=conflate:symbol] types[typing=drop_oldest]");
    }

    @Test
    void theyAreTheHubsOptions() {
        DeliveryPolicies p = DeliveryPolicies.NONE.withRoom("ticker.*", DeliveryPolicy.conflate("symbol"));
        HubOptions o = HubOptions.builder().deliveryPolicies(p).maxTotalQueuedBytes(1 << 20).build();
        assertThat(o.deliveryPolicies()).isEqualTo(p);
        assertThat(o.toBuilder().build()).isEqualTo(o);
        assertThat(HubOptions.defaults().maxTotalQueuedBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
        assertThatThrownBy(() -> HubOptions.builder().maxTotalQueuedBytes(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxTotalQueuedBytes must be > 0, was 0");
        assertThatThrownBy(() -> DeliveryPolicies.NONE.withRoom("", DeliveryPolicy.DISCONNECT))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("room pattern must not be empty");
    }
}
