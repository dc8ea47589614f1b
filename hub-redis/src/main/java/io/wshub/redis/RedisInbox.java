package io.wshub.redis;

import io.wshub.Message;
import io.wshub.Positioned;
import io.wshub.spi.MessageLog;

import java.util.List;

/**
 * A session's inbox on this node, written through to Redis: the node's own log answers every read
 * (the session's one node is the inbox's one writer), and each append is also sent to the session's
 * stream in Redis ({@link InboxWriter}), where a node that takes the session over finds it. An inbox
 * taken over continues the epoch and the seqs it had: its log holds the kept messages, and its seqs
 * are the log's plus the seq the log starts after.
 */
final class RedisInbox implements MessageLog {

    private final MessageLog log;
    private final String epoch;
    /** The seq the log's first message follows: 0 for a new inbox. */
    private final long offset;
    private final String sessionId;
    private final InboxWriter writer;

    /**
     * @param kept the messages of the inbox taken over, each at its seq, the last at {@code lastSeq};
     *             none for a new inbox
     * @param mail private messages sent to the session while its old node did not listen, as sent:
     *             appended here, at the seqs after {@code lastSeq}, and written through
     */
    RedisInbox(MessageLog log, String epoch, long lastSeq, List<Message> kept, List<Message> mail, String sessionId,
               InboxWriter writer, long nowNanos) {
        this.log = log;
        this.epoch = epoch;
        this.offset = lastSeq - kept.size();
        this.sessionId = sessionId;
        this.writer = writer;
        for (Message m : kept) {
            log.append(new As(m), nowNanos);
        }
        writer.opened(sessionId, epoch, lastSeq());
        for (Message m : mail) {
            Positioned p = RoomLog.positioned(m);
            if (p != null) { // sent positioned, so a JSON object: anything else was never the room protocol's
                append(p, nowNanos);
            }
        }
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public long lastSeq() {
        return offset + log.lastSeq();
    }

    @Override
    public Message append(Positioned message, long nowNanos) {
        Message m = log.append(new Shifted(message, offset), nowNanos);
        writer.append(sessionId, epoch, lastSeq(), m);
        return m;
    }

    @Override
    public List<Message> after(long seq, long nowNanos) {
        return seq < offset ? null : log.after(seq - offset, nowNanos);
    }

    @Override
    public void trim(long nowNanos) {
        log.trim(nowNanos);
    }

    @Override
    public int messages() {
        return log.messages();
    }

    @Override
    public long bytes() {
        return log.bytes();
    }

    @Override
    public void discard() {
        log.discard();
        writer.discard(sessionId);
    }

    /** A message kept as it was sent. */
    private record As(Message frame) implements Positioned {
        @Override
        public Message unpositioned() {
            return frame;
        }

        @Override
        public Message at(long seq) {
            return frame;
        }
    }

    /** A message at the log's seq plus the offset. */
    private record Shifted(Positioned message, long offset) implements Positioned {
        @Override
        public Message unpositioned() {
            return message.unpositioned();
        }

        @Override
        public Message at(long seq) {
            return message.at(seq + offset);
        }
    }
}
