package io.wshub.bench.loadtest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetTest {

    @Test
    void aUrlWithoutAPathGetsTheScenariosPath() {
        Target target = Target.parse("ws://127.0.0.1:18080", "/broadcast");

        assertThat(target.uri()).hasToString("ws://127.0.0.1:18080/broadcast");
        assertThat(target.isIpv4()).isTrue();
        assertThat(target.healthUri()).hasToString("http://127.0.0.1:18080/health");
    }

    @Test
    void aUrlWithAPathKeepsIt() {
        assertThat(Target.parse("ws://127.0.0.1:9000/ws?id=a", "/echo").uri())
                .hasToString("ws://127.0.0.1:9000/ws?id=a");
    }

    @Test
    void everyLoopbackAddressIsAccepted() {
        assertThat(Target.parse("ws://127.0.0.5:1/", "/echo").uri()).hasToString("ws://127.0.0.5:1/echo");
        assertThat(Target.parse("ws://[::1]:8080", "/echo").isIpv4()).isFalse();
        assertThat(Target.parse("ws://localhost:8080", "/echo").address().isLoopbackAddress()).isTrue();
    }

    @Test
    void aServerOffThisMachineIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Target.parse("ws://10.1.2.3:8080", "/echo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refusing to load-test 10.1.2.3 (10.1.2.3): the load tool only targets loopback "
                        + "addresses (127.0.0.0/8, ::1)");
    }

    @Test
    void tlsAndOtherSchemesAreRefused() {
        assertThatThrownBy(() -> Target.parse("wss://127.0.0.1:8443", "/echo"))
                .hasMessageStartingWith("only ws:// URLs are supported");
        assertThatThrownBy(() -> Target.parse("http://127.0.0.1:8080", "/echo"))
                .hasMessageStartingWith("only ws:// URLs are supported");
    }

    @Test
    void somethingThatIsNotAUrlIsRefused() {
        assertThatThrownBy(() -> Target.parse("ws://bad host", "/echo")).hasMessage("not a URL: ws://bad host");
        assertThatThrownBy(() -> Target.parse("ws:/nohost", "/echo")).hasMessage("the URL names no host: ws:/nohost");
    }
}
