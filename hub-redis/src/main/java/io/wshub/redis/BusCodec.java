package io.wshub.redis;

import io.wshub.Message;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of a {@link BusMessage}: a format byte, a kind byte, the sending node, then the
 * kind's fields. Strings are a 4-byte length and UTF-8; a frame is a flag byte and the rest of the
 * message, so its bytes cross unchanged. The flag's low bit says text (else binary); its next bit
 * says that a trace context comes first (a count, then that many name-value pairs of strings).
 * That bit is the one addition to format 1: a message without a trace context is byte for byte what
 * nodes before it send and read. Decoding checks every length and refuses anything else with
 * {@link MalformedMessageException}, so a stray publisher on our channels cannot break a node.
 */
final class BusCodec {

    /** Bumped when the format changes; a node ignores messages of another format. */
    static final byte FORMAT = 1;

    private static final byte BROADCAST = 'B';
    private static final byte ROOM = 'R';
    private static final byte PRIVATE = 'P';
    private static final byte MEMBERSHIP = 'M';
    private static final byte REGISTERED = 'G';
    private static final byte BYE = 'Q';
    private static final byte CANARY = 'C';
    private static final byte SEQUENCED = 'S';
    private static final byte MOVED = 'V';
    /** A private message that takes its place in the recipient's inbox. */
    private static final byte POSITIONED_PRIVATE = 'I';

    private static final byte TEXT = 1;
    private static final byte BINARY = 0;
    /** Set in a frame's flag when a trace context precedes the payload. */
    private static final byte TRACED = 2;

    private BusCodec() {
    }

    /** A message that does not decode. */
    static final class MalformedMessageException extends RuntimeException {
        MalformedMessageException(String message) {
            super(message);
        }
    }

    static byte[] encode(BusMessage message) {
        Writer w = new Writer(message);
        if (message instanceof BusMessage.Broadcast m) {
            w.header(BROADCAST, m.node()).string(nullToEmpty(m.except())).frame(m.frame(), m.trace());
        } else if (message instanceof BusMessage.RoomMessage m) {
            w.header(ROOM, m.node()).string(m.room()).string(nullToEmpty(m.except())).frame(m.frame(), m.trace());
        } else if (message instanceof BusMessage.Sequenced m) {
            w.header(SEQUENCED, m.node()).string(m.room()).string(m.epoch()).string(Long.toString(m.seq()))
                    .string(nullToEmpty(m.except())).frame(m.frame(), m.trace());
        } else if (message instanceof BusMessage.PrivateMessage m) {
            w.header(m.positioned() ? POSITIONED_PRIVATE : PRIVATE, m.node()).string(m.target()).frame(m.frame(), m.trace());
        } else if (message instanceof BusMessage.Membership m) {
            w.header(MEMBERSHIP, m.node()).stamp(m.stamp()).integer(m.ops().size());
            for (MembershipOp op : m.ops()) {
                w.string(op.kind().code).string(op.member());
            }
        } else if (message instanceof BusMessage.Registered m) {
            w.header(REGISTERED, m.node()).stamp(m.stamp());
        } else if (message instanceof BusMessage.Moved m) {
            w.header(MOVED, m.node()).string(m.sessionId());
        } else if (message instanceof BusMessage.Bye m) {
            w.header(BYE, m.node()).longValue(m.incarnation());
        } else if (message instanceof BusMessage.Canary m) {
            w.header(CANARY, m.node()).longValue(m.sentNanos());
        } else {
            throw new IllegalArgumentException("unknown message " + message);
        }
        return w.toBytes();
    }

    /**
     * The start of a {@link BusMessage.Sequenced} up to its epoch: the append script puts the epoch
     * and the seq it gave (each a string of this format) between this and {@link #sequencedTail}.
     */
    static byte[] sequencedHead(String node, String room) {
        return new Writer(0).header(SEQUENCED, node).string(room).toBytes();
    }

    /** The end of a {@link BusMessage.Sequenced} after its seq: the sender's session id, the frame and its trace. */
    static byte[] sequencedTail(String except, Message frame, Map<String, String> trace) {
        return new Writer(frame.size()).string(nullToEmpty(except)).frame(frame, trace).toBytes();
    }

    /** The start of a {@link BusMessage.Moved}: the take-over script adds the session id (a string of this format). */
    static byte[] movedHead(String node) {
        return new Writer(0).header(MOVED, node).toBytes();
    }

    /** Whether an encoded message whose header {@link #origin} read is sequenced (delivered by its sender's node too). */
    static boolean isSequenced(byte[] bytes) {
        return bytes.length > 1 && bytes[1] == SEQUENCED;
    }

    /**
     * The sending node of an encoded message, read without decoding the rest.
     *
     * @throws MalformedMessageException when the header does not decode
     */
    static String origin(byte[] bytes) {
        Reader r = new Reader(bytes);
        r.kind();
        return r.string();
    }

    /** Whether an encoded message whose header {@link #origin} read is a canary. */
    static boolean isCanary(byte[] bytes) {
        return bytes.length > 1 && bytes[1] == CANARY;
    }

    /**
     * Decodes a message.
     *
     * @throws MalformedMessageException when it does not decode
     */
    static BusMessage decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        byte kind = r.kind();
        String node = r.string();
        BusMessage message = switch (kind) {
            // Arguments are evaluated left to right: the trace is the one the frame just read carried.
            case BROADCAST -> new BusMessage.Broadcast(node, emptyToNull(r.string()), r.frame(), r.trace);
            case ROOM -> new BusMessage.RoomMessage(node, r.string(), emptyToNull(r.string()), r.frame(), r.trace);
            case SEQUENCED -> new BusMessage.Sequenced(node, r.string(), r.string(), r.seq(), emptyToNull(r.string()),
                    r.frame(), r.trace);
            case PRIVATE -> new BusMessage.PrivateMessage(node, r.string(), r.frame(), r.trace);
            case POSITIONED_PRIVATE -> new BusMessage.PrivateMessage(node, r.string(), r.frame(), r.trace, true);
            case MEMBERSHIP -> new BusMessage.Membership(node, r.stamp(), r.ops());
            case REGISTERED -> new BusMessage.Registered(node, r.stamp());
            case BYE -> new BusMessage.Bye(node, r.longValue());
            case MOVED -> new BusMessage.Moved(node, r.string());
            case CANARY -> new BusMessage.Canary(node, r.longValue());
            default -> throw new MalformedMessageException("unknown message kind " + kind);
        };
        r.end();
        return message;
    }

    /** Session ids are never empty, so the empty string stands for "no one". */
    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /** Collects a message; sized for the frame up front, grows like a StringBuilder for the rest. */
    private static final class Writer {
        /** Room for a header, a room name and a session id: most messages never grow. */
        private static final int SMALL = 256;

        private ByteBuffer buf;

        Writer(BusMessage message) {
            this(message instanceof BusMessage.Broadcast m ? m.frame().size()
                    : message instanceof BusMessage.RoomMessage m ? m.frame().size()
                    : message instanceof BusMessage.PrivateMessage m ? m.frame().size()
                    : message instanceof BusMessage.Sequenced m ? m.frame().size()
                    : 0);
        }

        Writer(int frameBytes) {
            buf = ByteBuffer.allocate(SMALL + frameBytes);
        }

        Writer header(byte kind, String node) {
            ensure(2);
            buf.put(FORMAT).put(kind);
            return string(node);
        }

        Writer string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            ensure(4 + b.length);
            buf.putInt(b.length).put(b);
            return this;
        }

        Writer integer(int v) {
            ensure(4);
            buf.putInt(v);
            return this;
        }

        Writer longValue(long v) {
            ensure(8);
            buf.putLong(v);
            return this;
        }

        Writer stamp(Stamp s) {
            return longValue(s.incarnation()).longValue(s.version());
        }

        Writer frame(Message f, Map<String, String> trace) {
            boolean traced = trace != null && !trace.isEmpty();
            ensure(1);
            buf.put((byte) ((f.isText() ? TEXT : BINARY) | (traced ? TRACED : 0)));
            if (traced) {
                integer(trace.size());
                trace.forEach((name, value) -> string(name).string(value));
            }
            ensure(f.size());
            buf.put(f.payload());
            return this;
        }

        private void ensure(int more) {
            if (buf.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more));
                bigger.put(buf.flip());
                buf = bigger;
            }
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }

    /** Reads a message, refusing anything out of bounds. */
    private static final class Reader {
        private final ByteBuffer buf;
        /** The trace context the last frame read carried, or null. */
        Map<String, String> trace;

        Reader(byte[] bytes) {
            this.buf = ByteBuffer.wrap(bytes);
        }

        byte kind() {
            byte format = byteValue();
            if (format != FORMAT) {
                throw new MalformedMessageException("unknown format " + format + " (this node speaks " + FORMAT + ")");
            }
            return byteValue();
        }

        String string() {
            int length = count();
            byte[] b = new byte[length];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        /** A seq as the append script writes it: a string of 1 to 18 digits, at least 1. */
        long seq() {
            String digits = string();
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new MalformedMessageException("bad seq '" + digits + "'");
            }
            long seq = Long.parseLong(digits);
            if (seq < 1) {
                throw new MalformedMessageException("bad seq " + seq);
            }
            return seq;
        }

        long longValue() {
            try {
                return buf.getLong();
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        Stamp stamp() {
            return new Stamp(longValue(), longValue());
        }

        List<MembershipOp> ops() {
            int n = count();
            List<MembershipOp> ops = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                try {
                    ops.add(MembershipOp.parse(MembershipOp.Kind.of(string()), string()));
                } catch (IllegalArgumentException e) {
                    throw new MalformedMessageException(e.getMessage());
                }
            }
            return ops;
        }

        /** The rest of the message as a frame: one copy, out of the message; its trace context goes to {@link #trace}. */
        Message frame() {
            byte flag = byteValue();
            if ((flag & ~(TEXT | TRACED)) != 0) {
                throw new MalformedMessageException("bad frame flag " + flag);
            }
            trace = (flag & TRACED) != 0 ? pairs() : null;
            byte[] payload = new byte[buf.remaining()];
            buf.get(payload);
            return (flag & TEXT) != 0 ? Message.utf8(payload) : Message.binary(payload);
        }

        /** A count, then that many name-value pairs of strings, in order. */
        private Map<String, String> pairs() {
            int n = count();
            Map<String, String> pairs = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                pairs.put(string(), string());
            }
            return Collections.unmodifiableMap(pairs);
        }

        void end() {
            if (buf.hasRemaining()) {
                throw new MalformedMessageException(buf.remaining() + " bytes after the end of the message");
            }
        }

        /** A length or count that fits in what is left (each counted item takes at least a byte). */
        private int count() {
            int n;
            try {
                n = buf.getInt();
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
            if (n < 0 || n > buf.remaining()) {
                throw new MalformedMessageException("length " + n + " with " + buf.remaining() + " bytes left");
            }
            return n;
        }

        private byte byteValue() {
            if (!buf.hasRemaining()) {
                throw truncated();
            }
            return buf.get();
        }

        private MalformedMessageException truncated() {
            return new MalformedMessageException("message ends early at byte " + buf.position());
        }
    }
}
