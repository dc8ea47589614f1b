package io.wshub.bench.loadtest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * A member of the conflation scenario's room on the room server: it joins once welcomed, then
 * keeps, for each key of the feed, the latest value it received. One made to be held reads until it
 * has joined and then stops ({@link LoadConnection.Reading#UNTIL_HELD}), as a stalled subscriber.
 * The publisher's messages are {@code {"type":"room_message","room":R,"symbol":"kI","price":SEQ,…}}.
 */
class RoomReader extends LoadConnection {

    private final String room;
    private final CountDownLatch joined;
    private final boolean held;
    /** The highest price of each key received, -1 before any; written by Jetty's thread only. */
    private final long[] latest;
    private final LongAdder received = new LongAdder();
    /** The message being received, across frames; Jetty's thread only. */
    private byte[] buffer = new byte[256];
    private int length;

    RoomReader(ErrorCounts errors, String room, int keys, CountDownLatch joined, boolean held) {
        super(errors, held ? Reading.UNTIL_HELD : Reading.ALWAYS);
        this.room = room;
        this.joined = joined;
        this.held = held;
        this.latest = new long[keys];
        Arrays.fill(latest, -1);
    }

    @Override
    void frame(ByteBuffer payload, boolean first, boolean fin) {
        if (first) {
            length = 0;
        }
        int n = payload.remaining();
        if (length + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
        }
        payload.get(buffer, length, n);
        length += n;
        if (fin) {
            message(new String(buffer, 0, length, StandardCharsets.UTF_8));
        }
    }

    private void message(String json) {
        String type = field(json, "type");
        if ("room_message".equals(type)) {
            String symbol = field(json, "symbol");
            String price = field(json, "price");
            int key = symbol == null || symbol.length() < 2 ? -1 : parse(symbol.substring(1));
            if (key < 0 || key >= latest.length || price == null || parse(price) < 0) {
                errors.badFrame("a room member received a message it cannot read: " + cut(json));
                return;
            }
            received.increment();
            latest[key] = Math.max(latest[key], parse(price));
        } else if ("welcome".equals(type)) {
            sendText("{\"type\":\"join_room\",\"room\":\"" + room + "\"}");
        } else if ("room_joined".equals(type)) {
            if (held) {
                holdReading(); // a member now: stop reading, as a stalled subscriber does
            }
            joined.countDown();
        }
    }

    /** Room messages received (of the feed). */
    long receivedCount() {
        return received.sum();
    }

    /** Whether the latest value of every key it got is the last one sent of that key. */
    boolean hasEveryLatest(long[] lastSent) {
        for (int k = 0; k < latest.length; k++) {
            if (latest[k] != lastSent[k]) {
                return false;
            }
        }
        return true;
    }

    @Override
    void received(MessageStamp stamp) {
        // Room messages are read in frame(); the room server's messages carry no stamp.
    }

    /**
     * The text of a top-level field of the compact JSON the room server writes: a string's content
     * or a number's digits, or null. The feed's messages hold nothing that looks like a field name.
     */
    static String field(String json, String name) {
        String key = "\"" + name + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            return null;
        }
        int start = at + key.length();
        if (start < json.length() && json.charAt(start) == '"') {
            int end = json.indexOf('"', start + 1);
            return end < 0 ? null : json.substring(start + 1, end);
        }
        int end = start;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return end == start ? null : json.substring(start, end);
    }

    private static int parse(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String cut(String json) {
        return json.length() <= 80 ? json : json.substring(0, 80) + "…";
    }
}
