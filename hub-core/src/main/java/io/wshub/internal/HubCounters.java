package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.DeliveryStats;
import io.wshub.ErrorKind;
import io.wshub.Handshake;
import io.wshub.OverflowPolicy;
import io.wshub.Session;
import io.wshub.spi.Broker;
import io.wshub.spi.MetricsListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's counters, and the bridge to the application's {@link MetricsListener}: every event is
 * counted here first, then forwarded; a listener that throws is logged once and otherwise ignored.
 */
final class HubCounters {

    private static final Logger log = LoggerFactory.getLogger(HubCounters.class);

    final LongAdder connects = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder queuedBytes = new LongAdder();
    final LongAdder droppedNewest = new LongAdder();
    final LongAdder droppedOldest = new LongAdder();
    final LongAdder conflated = new LongAdder();
    final LongAdder slowConsumers = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder upgradesRefused = new LongAdder();
    /** What the rooms' histories and the sessions' inboxes keep now (see {@link History}). */
    final LongAdder historyMessages = new LongAdder();
    final LongAdder historyBytes = new LongAdder();
    final LongAdder inboxMessages = new LongAdder();
    final LongAdder inboxBytes = new LongAdder();
    final LongAdder refs = new LongAdder();
    final LongAdder resumes = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    private final Map<ErrorKind, LongAdder> errors = new EnumMap<>(ErrorKind.class);
    private final MetricsListener listener;
    private volatile boolean listenerFailureLogged;

    HubCounters(MetricsListener listener) {
        this.listener = listener;
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind, new LongAdder());
        }
    }

    void sessionOpened(Session session) {
        connects.increment();
        try {
            listener.sessionOpened(session);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void sessionClosed(Session session, CloseStatus status, Duration connectedFor) {
        disconnects.increment();
        try {
            listener.sessionClosed(session, status, connectedFor);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void sessionHeld(Session session, CloseStatus status) {
        try {
            listener.sessionHeld(session, status);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void sessionResumed(Session session, boolean tookOver) {
        resumes.increment();
        try {
            listener.sessionResumed(session, tookOver);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void messageReceived(Session session, boolean binary, int bytes) {
        messagesIn.increment();
        bytesIn.add(bytes);
        try {
            listener.messageReceived(session, binary, bytes);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void messagesWritten(Session session, int textMessages, int binaryMessages, long bytes) {
        messagesOut.add(textMessages + binaryMessages);
        bytesOut.add(bytes);
        try {
            listener.messagesWritten(session, textMessages, binaryMessages, bytes);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void upgradeRefused(Handshake handshake, int status, String reason) {
        upgradesRefused.increment();
        try {
            listener.upgradeRefused(handshake, status, reason);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void oldestQueuedMessageAge(long nanos) {
        try {
            listener.oldestQueuedMessageAge(nanos);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void dropped(Session session, OverflowPolicy policy, int messages) {
        (policy == OverflowPolicy.DROP_OLDEST ? droppedOldest : droppedNewest).add(messages);
        try {
            for (int i = 0; i < messages; i++) {
                listener.messageDropped(session, policy);
            }
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void slowConsumer(Session session, CloseStatus status) {
        slowConsumers.increment();
        try {
            listener.slowConsumerDisconnected(session, status);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void rateLimited(Session session) {
        rateLimited.increment();
        try {
            listener.rateLimited(session);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void error(ErrorKind kind, Session session, String detail) {
        errors.get(kind).increment();
        try {
            listener.error(kind, session, detail);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    /** Whether anyone listens: the hub reads no clock for an event nobody hears. */
    boolean listens() {
        return listener != MetricsListener.NONE;
    }

    void messageHandled(Session session, String type, long nanos) {
        try {
            listener.messageHandled(session, type, nanos);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void brokerPublished(boolean succeeded) {
        try {
            listener.brokerPublished(succeeded);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void brokerCanaryAnswered(long roundTripNanos) {
        try {
            listener.brokerCanaryAnswered(roundTripNanos);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void brokerBreakerState(String breaker, Broker.BreakerState state) {
        try {
            listener.brokerBreakerState(breaker, state);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void brokerBreakerCall(String breaker, Broker.BreakerCall outcome) {
        try {
            listener.brokerBreakerCall(breaker, outcome);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    DeliveryStats deliveryStats(int heldSessions) {
        return new DeliveryStats(heldSessions, historyMessages.sum(), historyBytes.sum(), inboxMessages.sum(),
                inboxBytes.sum(), refs.sum(), resumes.sum(), expired.sum(), duplicates.sum());
    }

    Map<ErrorKind, Long> errorCounts() {
        Map<ErrorKind, Long> counts = new EnumMap<>(ErrorKind.class);
        errors.forEach((k, v) -> counts.put(k, v.sum()));
        return counts;
    }

    private void listenerFailed(RuntimeException e) {
        if (!listenerFailureLogged) {
            listenerFailureLogged = true;
            log.warn("metrics listener threw; later failures are not logged", e);
        }
    }
}
