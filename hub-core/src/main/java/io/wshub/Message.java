package io.wshub;

import io.wshub.internal.Deflating;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An immutable outbound WebSocket message, text or binary, encoded once.
 *
 * <p>A broadcast creates one frame and hands the same instance to every recipient's queue: the
 * cost per recipient is a queue slot, not a copy. Transports read the payload through
 * {@link #payload()}, which returns a fresh read-only view with its own position, so one frame
 * can be written to many connections at once.
 *
 * <p>A frame may say that it announces a presence ({@link #asPresence}): that someone is here or
 * has gone. Such announcements can be coalesced by a recipient whose queue is filling up, so that a
 * storm of arrivals and departures never turns a healthy recipient into a slow consumer.
 */
public final class Message {

    private final boolean text;
    private final ByteBuffer bytes; // read-only, position 0; never handed out itself, only views
    /** Whose presence it announces, or null for an ordinary message. */
    private final String presenceKey;
    /** Whether it announces an arrival (else a departure); meaningful only with a key. */
    private final boolean present;
    // Racy single-check cache: String is immutable and safely published through its final fields.
    private String decoded;
    /** The payload compressed alone at one level, once; racy single-check like {@code decoded}. */
    private volatile Deflated deflated;

    /** A compressed payload and the level it was made at; {@code bytes} null when it was not smaller. */
    private record Deflated(int level, ByteBuffer bytes) {
    }

    private Message(boolean text, ByteBuffer bytes, String decoded) {
        this(text, bytes, decoded, null, false);
    }

    private Message(boolean text, ByteBuffer bytes, String decoded, String presenceKey, boolean present) {
        this.text = text;
        this.bytes = bytes;
        this.decoded = decoded;
        this.presenceKey = presenceKey;
        this.present = present;
    }

    /** A text frame; the text is encoded to UTF-8 once, here. */
    public static Message text(String text) {
        Objects.requireNonNull(text, "text");
        return new Message(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer(), text);
    }

    /**
     * A text frame from bytes that are already valid UTF-8 (as a JSON encoder produces). The array
     * is not copied: the caller must not change it afterwards.
     */
    public static Message utf8(byte[] utf8) {
        Objects.requireNonNull(utf8, "utf8");
        return new Message(true, ByteBuffer.wrap(utf8).asReadOnlyBuffer(), null);
    }

    /** A binary frame that wraps the array without copying: the caller must not change it afterwards. */
    public static Message binary(byte[] data) {
        Objects.requireNonNull(data, "data");
        return new Message(false, ByteBuffer.wrap(data).asReadOnlyBuffer(), null);
    }

    /** A binary frame holding a copy of the buffer's remaining bytes; the buffer's position is unchanged. */
    public static Message binary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        return new Message(false, copy.asReadOnlyBuffer(), null);
    }

    /** Whether this is a text frame (else binary). */
    public boolean isText() {
        return text;
    }

    /** The payload size in bytes (UTF-8 bytes for text). */
    public int size() {
        return bytes.capacity();
    }

    /** A new read-only view of the payload, positioned at its start. Cheap: no bytes are copied. */
    public ByteBuffer payload() {
        return bytes.duplicate();
    }

    /**
     * For transports: the payload compressed as permessage-deflate without context takeover sends it
     * (raw DEFLATE, its final {@code 00 00 ff ff} removed), at this level, or null when compressing
     * does not make it smaller. Computed on first use and kept with the frame, so a broadcast is
     * compressed once for all its recipients that negotiated the same parameters, and each gets a
     * fresh read-only view of the same bytes. Recipients that ask at the same moment, before it is
     * kept, may each compress it once; a different level replaces the kept one.
     *
     * @param level 0-9, or -1 for zlib's default (6)
     */
    public ByteBuffer deflated(int level) {
        Deflated d = deflated;
        if (d == null || d.level() != level) {
            byte[] c = Deflating.alone(bytes.duplicate(), level);
            d = new Deflated(level, c.length < bytes.capacity() ? ByteBuffer.wrap(c).asReadOnlyBuffer() : null);
            deflated = d;
        }
        return d.bytes() == null ? null : d.bytes().duplicate();
    }

    /**
     * The text of a text frame.
     *
     * @throws IllegalStateException for a binary frame
     */
    public String text() {
        if (!text) {
            throw new IllegalStateException("binary frame has no text");
        }
        String s = decoded;
        if (s == null) {
            s = StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
            decoded = s;
        }
        return s;
    }

    /**
     * This message as an announcement that {@code key} is present ({@code present}) or gone: the
     * same bytes, which a recipient whose queue is filling may coalesce with the announcements of
     * the same key still waiting there. Waiting announcements of one key then cancel out in pairs
     * (an arrival and a departure the recipient has not seen tell it nothing), so at most the
     * latest state of each key waits; announcements count against a queue's byte limit but not its
     * message limit. The key names what the presence is of, e.g. a user in a room.
     *
     * @throws IllegalArgumentException for an empty key
     */
    public Message asPresence(String key, boolean present) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("presence key must not be empty");
        }
        return new Message(text, bytes, decoded, key, present);
    }

    /** The key this frame announces the presence of, or null for an ordinary message. */
    public String presenceKey() {
        return presenceKey;
    }

    /** Whether this frame announces an arrival (true) or a departure; false for an ordinary message. */
    public boolean announcesPresent() {
        return presenceKey != null && present;
    }

    @Override
    public String toString() {
        return (text ? "Message[text, " : "Message[binary, ") + size() + " bytes]";
    }
}
