package io.wshub.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientOptionsTest {

    @Test
    void defaultsFollowTheDesign() {
        ClientOptions o = ClientOptions.defaults();
        assertThat(o.initialBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.maxMessageBytes()).isEqualTo(512 * 1024);
        assertThat(o.overflowPolicy()).isEqualTo(BufferOverflowPolicy.DROP_NEWEST);
    }

    @Test
    void buildNamesTheFieldAndTheValueThatAreWrong() {
        assertThatThrownBy(() -> ClientOptions.builder().initialBackoff(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initialBackoff must be positive, was PT0S");
        assertThatThrownBy(() -> ClientOptions.builder().maxBufferedMessages(-1).build())
                .hasMessage("maxBufferedMessages must be > 0, was -1");
        assertThatThrownBy(() -> ClientOptions.builder().sendTimeout(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("sendTimeout");
    }

    @Test
    void buildRefusesFieldsThatContradictEachOther() {
        assertThatThrownBy(() -> ClientOptions.builder().maxBackoff(Duration.ofSeconds(1)).build())
                .hasMessage("maxBackoff (PT1S) must not be shorter than initialBackoff (PT2S)");
        assertThatThrownBy(() -> ClientOptions.builder().pongTimeout(Duration.ofSeconds(20)).build())
                .hasMessage("pongTimeout (PT20S) must be longer than pingInterval (PT20S)");
        assertThatThrownBy(() -> ClientOptions.builder().maxBufferedBytes(1024).build())
                .hasMessage("maxBufferedBytes (1024) must not be smaller than maxMessageBytes (524288)");
    }

    @Test
    void toBuilderKeepsEveryField() {
        ClientOptions o = ClientOptions.builder().sendTimeout(Duration.ofSeconds(3))
                .retryPolicy(RetryPolicy.never()).build();
        assertThat(o.toBuilder().build()).isEqualTo(o);
    }
}
