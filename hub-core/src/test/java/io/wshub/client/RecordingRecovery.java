package io.wshub.client;

import java.util.ArrayList;
import java.util.List;

/** A {@link RecoveryListener} that records what it heard as {@code room:recovered} and {@code inbox:recovered}. */
final class RecordingRecovery implements RecoveryListener {

    private final List<String> heard = new ArrayList<>();

    @Override
    public void onRoomRestored(String room, boolean recovered) {
        heard.add(room + ":" + recovered);
    }

    @Override
    public void onInboxRestored(boolean recovered) {
        heard.add("inbox:" + recovered);
    }

    /** What it heard, in order. */
    List<String> heard() {
        return heard;
    }
}
