package io.wshub.testing;

import io.wshub.client.RecoveryListener;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RecoveryListener} that records what a {@link io.wshub.client.RoomClient} reported after
 * its reconnects, as {@code "room:true"}, {@code "room:false"}, {@code "inbox:true"} or
 * {@code "inbox:false"}, in order, for a test to assert on, from any thread.
 *
 * <pre>{@code
 * RecordingRecoveryListener recovery = new RecordingRecoveryListener();
 * RoomClient rooms = RoomClient.connect(ReconnectingClient.builder(transport).url("ws://127.0.0.1:8080/ws"), recovery);
 * // ... after a cut and a resume:
 * assertEquals(List.of("lobby:true", "inbox:true"), recovery.heard());
 * }</pre>
 */
public final class RecordingRecoveryListener implements RecoveryListener {

    // Guarded by "this".
    private final List<String> heard = new ArrayList<>();

    @Override
    public synchronized void onRoomRestored(String room, boolean recovered) {
        heard.add(room + ":" + recovered);
    }

    @Override
    public synchronized void onInboxRestored(boolean recovered) {
        heard.add("inbox:" + recovered);
    }

    /** What it heard so far, in order. */
    public synchronized List<String> heard() {
        return List.copyOf(heard);
    }
}
