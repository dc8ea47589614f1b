package io.wshub.jetty;

/**
 * The hub's message-level demand on top of Jetty's frame-level one.
 *
 * <p>Jetty reads one frame per {@code CoreSession.demand()}, and a second demand while one is
 * pending throws. The hub may demand several messages ahead, and from any thread. This gate counts what the
 * hub asked for and keeps at most one Jetty demand outstanding, for the next message. The frame
 * handler demands the continuation frames of a fragmented message itself, so one Jetty demand here
 * stands for one whole message.
 *
 * <p>Control frames consume a Jetty demand too, and Jetty does not renew it after a ping or pong:
 * left alone, the first ping from a peer would stop all reading, close frames included. {@link #controlFrameArrived()} renews it.
 *
 * <p>Once the hub starts a close, the gate reads on by itself ({@link #readUntilClose()}) so the
 * peer's close frame arrives even when the hub is not asking for messages; messages that arrive
 * then without the hub's demand are dropped by the caller, not delivered.
 *
 * <p>Decisions are made under the lock; Jetty is called after it is released.
 */
final class DemandGate {

    private final Runnable jettyDemand;

    // Guarded by "this".
    /** Messages the hub asked for and has not been given yet. */
    private long wanted;
    /** A Jetty demand is outstanding for the next message. */
    private boolean pending;
    /** The hub is closing: read on until the peer's close frame arrives. */
    private boolean readOn;
    /** The connection ended: no more demand. */
    private boolean ended;

    /** @param jettyDemand asks Jetty for the next frame; must not throw */
    DemandGate(Runnable jettyDemand) {
        this.jettyDemand = jettyDemand;
    }

    /** The hub asks for one more message. */
    void demand() {
        boolean issue;
        synchronized (this) {
            wanted++;
            issue = claimJettyDemand();
        }
        if (issue) {
            jettyDemand.run();
        }
    }

    /** The hub started a close: keep reading until the peer's close frame arrives. */
    void readUntilClose() {
        boolean issue;
        synchronized (this) {
            readOn = true;
            issue = claimJettyDemand();
        }
        if (issue) {
            jettyDemand.run();
        }
    }

    /**
     * A whole message arrived and used up the outstanding demand.
     *
     * @return whether the hub asked for it (else the caller drops it)
     */
    synchronized boolean messageArrived() {
        pending = false;
        if (wanted > 0) {
            wanted--;
            return true;
        }
        return false;
    }

    /** The message was handed on (or dropped): asks Jetty for the next one if anyone wants it. */
    void messageHandled() {
        boolean issue;
        synchronized (this) {
            issue = claimJettyDemand();
        }
        if (issue) {
            jettyDemand.run();
        }
    }

    /**
     * A ping or pong used up the Jetty demand that was outstanding for a message (or for the next
     * frame of a fragmented one): renews it.
     */
    void controlFrameArrived() {
        synchronized (this) {
            if (ended || !pending) {
                return;
            }
        }
        jettyDemand.run();
    }

    /** The connection ended. */
    synchronized void end() {
        ended = true;
    }

    /** Whether to issue a Jetty demand now; marks it outstanding. Caller holds the lock. */
    private boolean claimJettyDemand() {
        if (ended || pending || (wanted == 0 && !readOn)) {
            return false;
        }
        pending = true;
        return true;
    }
}
