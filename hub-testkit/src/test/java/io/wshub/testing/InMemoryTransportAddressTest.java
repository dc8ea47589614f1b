package io.wshub.testing;

import io.wshub.spi.Admission;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-memory transport gives each client a fake remote address, however many clients come. */
class InMemoryTransportAddressTest {

    /** More upgrades than there are ports from 40000 up: a long concurrency test makes as many. */
    private static final int UPGRADES = 30_000;

    @Test
    void aTransportThatOutlivesItsFakePortsReusesThemInsteadOfFailing() {
        Set<Integer> ports = new HashSet<>();
        InMemoryTransport transport = new InMemoryTransport(handshake -> {
            ports.add(handshake.remoteAddress().getPort());
            return new Admission.Refused(503, "only looking"); // cheap: no session is opened
        });

        int refused = 0;
        for (int i = 0; i < UPGRADES; i++) {
            try {
                transport.connect();
            } catch (UpgradeRefusedException e) {
                refused++; // as the acceptor answered: the fake address was made without failing
            }
        }

        assertThat(refused).isEqualTo(UPGRADES);
        assertThat(ports).allSatisfy(port -> assertThat(port).isBetween(1, 65_535));
    }
}
