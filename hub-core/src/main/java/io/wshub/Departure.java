package io.wshub;

import java.util.Objects;
import java.util.Set;

/**
 * A session that ended with no connection and no {@link Session} anywhere: its node died and its
 * resume window passed without a resume. It is no longer in any room; {@link #rooms()} tells which
 * it was in, so that the application can announce its departure ({@link HubHandler#onDeparture}).
 *
 * @param sessionId the session's id
 * @param rooms     the rooms it was in when its node died
 */
public record Departure(String sessionId, Set<String> rooms) {

    /** Checks and copies the arguments. */
    public Departure {
        Objects.requireNonNull(sessionId, "sessionId");
        rooms = Set.copyOf(rooms);
    }
}
