package io.wshub.bench.loadtest;

/** A receiver the {@link WindowGate} paces the publisher on. */
interface Paced {

    /** Whether the publisher still waits for it (open, not given up on). */
    boolean isPacing();

    /** The highest message number it received, -1 before any. */
    long lastSeq();

    /** Gives up on it: the publisher no longer waits for it. */
    void markStalled();
}
