package io.wshub;

import io.wshub.spi.Admission;
import io.wshub.spi.MetricsListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A node refuses upgrades until its broker has joined the cluster, and hears the broker's publishes and canaries. */
class ClusterJoinAdmissionTest {

    /** A broker whose joining the test decides, and that keeps the hub's delivery. */
    private static final class JoiningBroker extends QuietBroker {
        volatile boolean joined;

        @Override
        public boolean isJoined() {
            return joined;
        }
    }

    private final JoiningBroker broker = new JoiningBroker();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final Hub hub = Hub.builder().broker(broker).metrics(new MetricsListener() {
        @Override
        public void upgradeRefused(Handshake handshake, int status, String reason) {
            heard.add("refused " + status + " " + reason);
        }

        @Override
        public void brokerPublished(boolean succeeded) {
            heard.add("published " + succeeded);
        }

        @Override
        public void brokerCanaryAnswered(long roundTripNanos) {
            heard.add("canary " + roundTripNanos);
        }
    }).build();

    @AfterEach
    void stop() {
        hub.shutdown(Duration.ZERO);
    }

    private Admission admit() {
        return hub.acceptor().admit(Handshake.builder().path("/ws").build());
    }

    @Test
    void upgradesAreRefusedWith503UntilTheBrokerHasJoinedItsCluster() {
        assertThat(admit()).isEqualTo(new Admission.Refused(503, "Node is joining its cluster"));
        assertThat(heard).containsExactly("refused 503 Node is joining its cluster");

        broker.joined = true;

        Admission later = admit();
        assertThat(later).isInstanceOf(Admission.Accepted.class);
        ((Admission.Accepted) later).abandon();
    }

    @Test
    void aSingleNodeHasAlwaysJoined() {
        Hub single = Hub.builder().build();
        try {
            Admission a = single.acceptor().admit(Handshake.builder().path("/ws").build());
            assertThat(a).isInstanceOf(Admission.Accepted.class);
            ((Admission.Accepted) a).abandon();
        } finally {
            single.shutdown(Duration.ZERO);
        }
    }

    @Test
    void theBrokersPublishOutcomesAndCanaryRoundTripsReachTheMetricsListener() {
        broker.delivery.reportPublished(true);
        broker.delivery.reportPublished(false);
        broker.delivery.reportCanaryAnswered(1_500_000);

        assertThat(heard).containsExactly("published true", "published false", "canary 1500000");
    }
}
