package io.wshub.bench.loadtest;

/**
 * One connection of the echo scenario: a closed loop with one message in flight, the next sent
 * as soon as the previous one is back.
 */
final class EchoConnection extends LoadConnection {

    private final EchoRun run;
    /**
     * The number of the message in flight. Only one thread owns the loop at a time: the
     * scenario's thread for the first send, then Jetty's thread for each reply; volatile because
     * the hand-over between them goes through the network, not through Java.
     */
    private volatile long seq;

    EchoConnection(EchoRun run, ErrorCounts errors) {
        super(errors);
        this.run = run;
    }

    /** Sends the first message. */
    void start() {
        send();
    }

    @Override
    void received(MessageStamp stamp) {
        long now = System.nanoTime();
        if (stamp == null || stamp.seq() != seq) {
            errors.badFrame(stamp == null ? "echo without a stamp: " + unstamped() : "echo of #" + stamp.seq() + ", expected #" + seq);
            return;
        }
        run.roundTrip(now - stamp.sentNanos(), stamp.measured());
        seq++;
        if (run.isRunning()) {
            send();
        }
    }

    private void send() {
        sendText(new MessageStamp(seq, System.nanoTime(), run.isMeasuring()).encode(run.messageSize()));
    }
}
