package io.wshub;

import io.wshub.spi.Broker;

/**
 * A broker for tests of one node that reaches no other: it publishes nothing and keeps the hub's
 * delivery; a test overrides what it looks at.
 */
class QuietBroker implements Broker {
    /** The hub's, from {@link #start}. */
    volatile Delivery delivery;

    @Override
    public void start(Delivery delivery) {
        this.delivery = delivery;
    }

    @Override
    public void stop() {
    }

    @Override
    public void publishBroadcast(Message frame, String exceptSessionId) {
    }

    @Override
    public void publishRoom(String room, Message frame, String exceptSessionId) {
    }

    @Override
    public boolean publishPrivate(String sessionId, Message frame) {
        return false;
    }
}
