package io.wshub.internal;

import io.wshub.DeliveryPolicies;
import io.wshub.DeliveryPolicy;
import io.wshub.Message;
import io.wshub.OverflowPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a message's delivery is decided from the rules, and its conflation key read from it. */
class DeliveriesTest {

    private final Deliveries deliveries = new Deliveries(DeliveryPolicies.NONE
            .withRoom("ticker.*", DeliveryPolicy.conflate("symbol"))
            .withType("typing", DeliveryPolicy.DROP_NEWEST));

    @Test
    void aConflationKeyIsTheFieldsTopLevelValueTaggedWithItsKind() {
        assertThat(Deliveries.topLevelScalar(Message.text("{\"a\":{\"symbol\":\"no\"},\"symbol\":\"X\"}"), "symbol")).isEqualTo("sX");
        assertThat(Deliveries.topLevelScalar(Message.text("{\"symbol\":1}"), "symbol")).isEqualTo("n1");
        assertThat(Deliveries.topLevelScalar(Message.text("{\"symbol\":\"1\"}"), "symbol")).isEqualTo("s1");
        assertThat(Deliveries.topLevelScalar(Message.text("{\"symbol\":true}"), "symbol")).isEqualTo("btrue");
        assertThat(Deliveries.topLevelScalar(Message.text("{\"symbol\":\"a\",\"symbol\":\"b\"}"), "symbol")).isEqualTo("sa");
    }

    @Test
    void whatHasNoUsableValueHasNoKey() {
        assertThat(Deliveries.topLevelScalar(Message.text("{\"symbol\":null}"), "symbol")).isNull();
        assertThat(Deliveries.topLevelScalar(Message.text("{\"symbol\":[1]}"), "symbol")).isNull();
        assertThat(Deliveries.topLevelScalar(Message.text("{\"other\":1}"), "symbol")).isNull();
        assertThat(Deliveries.topLevelScalar(Message.text("not json"), "symbol")).isNull();
        assertThat(Deliveries.topLevelScalar(Message.text("[\"symbol\"]"), "symbol")).isNull();
        assertThat(Deliveries.topLevelScalar(Message.text("{\"symbol\":\"X\""), "symbol")).isEqualTo("sX"); // read up to it
        assertThat(Deliveries.topLevelScalar(Message.text("{\"x\":[}"), "symbol")).isNull();
        assertThat(Deliveries.topLevelScalar(Message.binary(new byte[]{'{', '}'}), "symbol")).isNull();
        String huge = "x".repeat(Deliveries.MAX_KEY_CHARS + 1);
        assertThat(Deliveries.topLevelScalar(Message.text("{\"symbol\":\"" + huge + "\"}"), "symbol")).isNull();
    }

    @Test
    void keysAreScopedByRoomSoTheSameValueInTwoRoomsIsTwoKeys() {
        Message price = Message.text("{\"type\":\"room_message\",\"symbol\":\"X\"}");
        Delivery eu = deliveries.forRoom("ticker.eu", price);
        Delivery us = deliveries.forRoom("ticker.us", price);
        assertThat(eu.overflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
        assertThat(eu.key()).isNotNull().isNotEqualTo(us.key());
        assertThat(deliveries.forRoom("lobby", price)).isNull(); // the hub's policy
    }

    @Test
    void aTypeRuleAppliesWhereverTheMessageGoes() {
        Message typing = Message.text("{\"type\":\"typing\",\"symbol\":\"X\"}");
        assertThat(deliveries.forRoom("ticker.eu", typing)).isEqualTo(Delivery.of(OverflowPolicy.DROP_NEWEST));
        assertThat(deliveries.forSessions(typing)).isEqualTo(Delivery.of(OverflowPolicy.DROP_NEWEST));
        assertThat(deliveries.forSessions(Message.text("{\"type\":\"chat\"}"))).isNull();
        assertThat(new Deliveries(DeliveryPolicies.NONE).forRoom("ticker.eu", typing)).isNull();
    }
}
