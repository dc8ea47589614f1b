package io.wshub.testing;

import io.wshub.CloseStatus;
import io.wshub.HubHandler;
import io.wshub.HubOptions;
import io.wshub.protocol.RoomProtocol;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's "Test your handler" compiles and holds, word for word. */
class ReadmeExampleTest {

    private final HubHandler myHandler = RoomProtocol.router().build();

    @Test
    void aStalledReaderIsDroppedAfterTheWriteTimeout() {
        try (HubFixture server = HubFixture.of(HubOptions.defaults(), myHandler)) {
            Peer alice = server.connect("alice");
            server.network().connection("alice").stallWrites(); // alice stops reading
            server.session("alice").send("hello");
            server.advance(Duration.ofSeconds(11));             // past the write timeout
            assertEquals(CloseStatus.ABNORMAL, alice.client().awaitClose(Duration.ofSeconds(1)));
        }
    }
}
