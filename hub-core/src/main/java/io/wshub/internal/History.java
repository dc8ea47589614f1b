package io.wshub.internal;

import io.wshub.Message;
import io.wshub.Position;
import io.wshub.Positioned;
import io.wshub.spi.MessageLog;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One history the hub holds — a room's, or a session's inbox — over the store's {@link MessageLog},
 * with what it keeps added to the hub's totals of its kind (the log's own counts, read before and
 * after each change, as a writer counts its queue's bytes). The caller orders appends and reads
 * with a lock of its own (the room's, the session's delivery lock).
 */
final class History {

    private final MessageLog log;
    private final LongAdder totalMessages;
    private final LongAdder totalBytes;

    History(MessageLog log, LongAdder totalMessages, LongAdder totalBytes) {
        this.log = log;
        this.totalMessages = totalMessages;
        this.totalBytes = totalBytes;
    }

    /** Appends at the next seq; returns the message as sent. */
    Message append(Positioned message, long nowNanos) {
        int messages = log.messages();
        long bytes = log.bytes();
        Message m = log.append(message, nowNanos);
        counted(messages, bytes);
        return m;
    }

    /** The seq of the latest message. */
    long lastSeq() {
        return log.lastSeq();
    }

    /** The epoch and the latest seq. */
    Position position() {
        return new Position(log.epoch(), log.lastSeq());
    }

    /**
     * What came after {@code since}: every message, in order, when {@code since} is of this epoch and
     * the history still reaches the message after it; else null (not recovered).
     */
    List<Message> after(Position since, long nowNanos) {
        return since.epoch().equals(log.epoch()) ? log.after(since.seq(), nowNanos) : null;
    }

    /** Forgets what is older than the age limit. */
    void trim(long nowNanos) {
        int messages = log.messages();
        long bytes = log.bytes();
        log.trim(nowNanos);
        counted(messages, bytes);
    }

    /** The history is over. */
    void discard() {
        int messages = log.messages();
        long bytes = log.bytes();
        log.discard();
        counted(messages, bytes);
    }

    private void counted(int messagesBefore, long bytesBefore) {
        totalMessages.add(log.messages() - messagesBefore);
        totalBytes.add(log.bytes() - bytesBefore);
    }
}
