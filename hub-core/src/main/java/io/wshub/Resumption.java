package io.wshub;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a resume recovered (docs/protocol.md, "Resume"), for the answer a protocol sends the client
 * ({@link Session#awaitResume}): for every room the session is in, whether what it missed follows,
 * and the same for its inbox of private messages.
 *
 * @param rooms every room the session is in, sorted, and whether it was recovered
 * @param inbox whether the inbox was recovered
 */
public record Resumption(Map<String, Boolean> rooms, boolean inbox) {

    /** Copies the rooms, sorted by name. */
    public Resumption {
        rooms = Collections.unmodifiableMap(new TreeMap<>(rooms));
    }
}
