package io.wshub.examples;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node {@code ws} clients, which offer permessage-deflate by default, against the broadcast server
 * with deflate on: each negotiates it without context takeover and receives exactly what was sent
 * (src/test/node/deflate-broadcast.js). Needs the {@code ws} package, which {@link NodeWsPackage}
 * finds or installs.
 */
class NodeDeflateTest {

    private static final Path SCRIPT = Path.of("src/test/node/deflate-broadcast.js").toAbsolutePath();

    @Test
    void nodeWsSubscribersNegotiateDeflateAndGetTheExactBytesOfEveryBroadcast() throws Exception {
        Path modules = NodeWsPackage.nodeModules();
        try (ServerFixture server = ServerFixture.start(ExampleServer.BROADCAST, Map.of(Setting.PERMESSAGE_DEFLATE, true))) {
            var run = JavaScriptClientTest.node(Map.of("NODE_PATH", modules.toString(),
                    "WSHUB_URL", server.ws("/broadcast").toString(), "SUBSCRIBERS", "20"), SCRIPT.toString());

            assertThat(run.ended()).as("node ended:%n%s", run.output()).isTrue();
            assertThat(run.exitCode()).as("the check passed:%n%s", run.output()).isZero();
            assertThat(run.output()).contains("20 subscribers negotiated");
        }
    }
}
