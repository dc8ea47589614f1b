package io.wshub.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerArgumentsTest {

    @Test
    void withoutArgumentsTheServerListensOnLoopbackPort8080WithALongIdleTimeout() {
        ServerArguments arguments = ServerArguments.parse();

        assertThat(arguments).isEqualTo(new ServerArguments("127.0.0.1", 8080, Duration.ofMinutes(10), false));
    }

    @Test
    void everyOptionIsRead() {
        ServerArguments arguments = ServerArguments.parse("--host", "0.0.0.0", "--port", "0", "--idle-timeout", "30");

        assertThat(arguments).isEqualTo(new ServerArguments("0.0.0.0", 0, Duration.ofSeconds(30), false));
    }

    @Test
    void helpIsRecognised() {
        assertThat(ServerArguments.parse("--help").help()).isTrue();
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ServerArguments.parse("--port")).hasMessage("--port needs a value");
        assertThatThrownBy(() -> ServerArguments.parse("--port", "http")).hasMessage("--port must be a number, was 'http'");
        assertThatThrownBy(() -> ServerArguments.parse("--port", "70000")).hasMessage("--port must be in 0..65535, was 70000");
        assertThatThrownBy(() -> ServerArguments.parse("--verbose")).hasMessage("unknown argument: --verbose");
    }
}
