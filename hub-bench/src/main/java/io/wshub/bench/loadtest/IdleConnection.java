package io.wshub.bench.loadtest;

/** A connection of the idle scenario: it only stays open (Jetty answers the server's pings). */
final class IdleConnection extends LoadConnection {

    IdleConnection(ErrorCounts errors) {
        super(errors);
    }

    @Override
    void received(MessageStamp stamp) {
        errors.badFrame("an idle connection received a message: " + (stamp == null ? unstamped() : stamp));
    }
}
