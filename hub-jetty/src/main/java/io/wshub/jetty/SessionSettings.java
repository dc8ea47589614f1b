package io.wshub.jetty;

import io.wshub.HubOptions;
import org.eclipse.jetty.websocket.core.Configuration;

import java.time.Duration;

/** Maps a hub's limits and the Jetty options onto one Jetty session, before its connection is made. */
final class SessionSettings {

    /**
     * Added to the hub's longest deadline: the hub's ticker notices a deadline up to one tick
     * (at most 1 s) late, and its close handshake then needs its own time.
     */
    static final Duration IDLE_SLACK = Duration.ofSeconds(5);

    private SessionSettings() {
    }

    /**
     * Jetty's idle timeout for a hub's sessions: longer than anything the hub waits for itself
     * (a pong, a write, then the close handshake), so Jetty never cuts a session the hub still
     * considers healthy, and the hub's heartbeat and timeouts decide, with their close codes.
     */
    static Duration idleTimeout(HubOptions o) {
        Duration longest = o.pongTimeout().compareTo(o.writeTimeout()) >= 0 ? o.pongTimeout() : o.writeTimeout();
        return longest.plus(o.closeTimeout()).plus(IDLE_SLACK);
    }

    /**
     * Applies the limits. A message's size is measured by the connection's pipeline; the frame
     * size is Jetty's, so that Jetty's parser refuses one frame over the limit with 1009 before
     * reading it whole (a single frame may be as large as a message). Jetty's own message sizes
     * apply only to its message sinks, which the hub does not use. Jetty sizes a connection's
     * buffers from these settings when it makes the connection, which is why they are applied
     * here and not once the session is open.
     */
    static void apply(Configuration session, HubOptions hub, JettyOptions jetty) {
        session.setMaxFrameSize(hub.maxMessageBytes());
        session.setIdleTimeout(idleTimeout(hub));
        session.setInputBufferSize(jetty.inputBufferSize());
        session.setOutputBufferSize(jetty.outputBufferSize());
    }
}
