package io.wshub.testkit;

import io.wshub.Handshake;
import io.wshub.spi.Admission;
import io.wshub.spi.Connection;
import io.wshub.spi.ConnectionAcceptor;
import io.wshub.spi.ConnectionListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Accepts every upgrade (or refuses with a set status) and records handshakes and listeners. */
public final class RecordingAcceptor implements ConnectionAcceptor {

    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();
    private final List<RecordingListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile int refuseWith;
    private volatile boolean autoDemand = true;

    /** Refuses the next upgrades with this HTTP status (0 to accept again). */
    public void refuseWith(int status) {
        refuseWith = status;
    }

    /** Whether new connections' listeners demand after each message (else only when told). */
    public void autoDemand(boolean on) {
        autoDemand = on;
    }

    public List<Handshake> handshakes() {
        return List.copyOf(handshakes);
    }

    public List<RecordingListener> listeners() {
        return List.copyOf(listeners);
    }

    @Override
    public Admission admit(Handshake handshake) {
        handshakes.add(handshake);
        int status = refuseWith;
        if (status != 0) {
            return new Admission.Refused(status, "refused by the test");
        }
        String id = "kit-" + ids.incrementAndGet();
        boolean demand = autoDemand;
        return new Admission.Accepted() {
            @Override
            public String sessionId() {
                return id;
            }

            @Override
            public ConnectionListener open(Connection connection) {
                RecordingListener l = new RecordingListener(connection, demand);
                listeners.add(l);
                if (demand) {
                    connection.demand();
                }
                return l;
            }

            @Override
            public void abandon() {
            }
        };
    }
}
