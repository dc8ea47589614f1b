package io.wshub;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a join saw, for its reply ({@link Rooms#join(Session, String, Position, java.util.function.Function, Message)}):
 * taken under the room's lock, as one step of the room's order.
 *
 * @param members   every member's id, the joiner's included, sorted
 * @param position  the room's epoch and the seq of its latest message; empty when rooms keep no history
 * @param recovered whether the messages after the position the joiner gave will follow the reply;
 *                  empty when it gave none
 */
public record RoomJoin(List<String> members, Optional<Position> position, Optional<Boolean> recovered) {

    /** Copies the member list. */
    public RoomJoin {
        members = List.copyOf(members);
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(recovered, "recovered");
    }
}
