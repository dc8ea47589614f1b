package io.wshub.internal;

import io.wshub.CloseStatus;
import io.wshub.Message;
import io.wshub.SendResult;
import io.wshub.spi.Connection;
import io.wshub.spi.SendCallback;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one writer of a session: drains its {@link OutboundQueue} into the transport with at most
 * one write in flight, several queued frames per write. Whoever finds the writer idle starts it,
 * on its own thread or on the flush executor; the write's completion continues it. A completion
 * that arrives while {@code send} is still on the stack is turned into another turn of the loop
 * instead of recursion (as the JDK's {@code SequentialScheduler} does).
 *
 * <p>Decisions are made under this object's lock; the transport is always called after the lock
 * is released.
 */
final class SessionWriter implements SendCallback, Runnable {

    /** What the writer tells its session. Called without the writer's lock held. */
    interface Events {
        void written(int textMessages, int binaryMessages, long bytes);

        void droppedOldest(int messages, long bytes);

        void refusedNewest(long bytes);

        void overflowed();

        void writeFailed(Throwable cause);

        /** The queue is drained after a close was requested: send the close frame now. */
        void drainedForClose(CloseStatus status);
    }

    /**
     * Most frames per write: enough to turn a burst of small broadcast frames into one syscall,
     * small enough that the batch array (held by every busy session) stays a few hundred bytes.
     */
    static final int MAX_BATCH_FRAMES = 64;
    /** Most bytes per write beyond the first frame, so one write does not hold the socket for long. */
    static final long MAX_BATCH_BYTES = 256 * 1024;

    private final OutboundQueue queue;
    private final Connection connection;
    private final Executor flushExecutor;
    private final Events events;
    private final NanoClock clock;
    private final int lowWaterMessages;
    private final long lowWaterBytes;
    private final LongAdder hubQueuedBytes;

    // All fields below are guarded by "this".
    private Message[] batch;
    private int batchCount;
    private int batchTexts;
    private long batchBytes;
    /** A flush is scheduled or running, or a write is in flight. */
    private boolean active;
    /** A write was handed to the transport and has not been finished. */
    private boolean inFlight;
    /** The flushing thread is inside connection.send(). */
    private boolean inSend;
    /** The write completed while inSend: the flushing thread finishes it and continues the loop. */
    private boolean completedDuringSend;
    /** Why that write failed, or null when it succeeded. */
    private Throwable failureDuringSend;
    private CloseStatus closeAfterDrain;
    private boolean closeHandedOver;
    /** No more frames are accepted or written. */
    private boolean terminated;
    private long messagesOut;
    private long bytesOut;
    private long dropped;

    /** When the write in flight started (clock nanos), 0 when none; read by the hub's ticker. */
    private volatile long writeStartedNanos;
    /** Whether the queue is below half its limits; read without the lock. */
    private volatile boolean writable = true;

    SessionWriter(OutboundQueue queue, Connection connection, Executor flushExecutor, Events events,
                  NanoClock clock, int maxMessages, long maxBytes, LongAdder hubQueuedBytes) {
        this.queue = queue;
        this.hubQueuedBytes = hubQueuedBytes;
        this.connection = connection;
        this.flushExecutor = flushExecutor;
        this.events = events;
        this.clock = clock;
        this.lowWaterMessages = Math.max(1, maxMessages / 2);
        this.lowWaterBytes = Math.max(1, maxBytes / 2);
    }

    /**
     * Offers a frame. When the writer was idle it starts: here, or on the flush executor when
     * {@code dispatch} is set (a large fan-out spreads its writes over the cores that way).
     *
     * @param nowNanos the clock's time (a fan-out reads it once for all its recipients)
     */
    SendResult offer(Message frame, boolean dispatch, long nowNanos) {
        OutboundQueue.Outcome outcome;
        boolean start = false;
        int droppedOld = 0;
        long droppedOldBytes = 0;
        synchronized (this) {
            if (terminated || closeAfterDrain != null) {
                return SendResult.CLOSED;
            }
            long bytesBefore = queue.bytes();
            outcome = queue.offer(frame, nowNanos);
            switch (outcome) {
                case OVERFLOW -> terminated = true;
                case REFUSED -> dropped++;
                case QUEUED_AFTER_DROPPING_OLDEST -> {
                    droppedOld = queue.lastDropped();
                    droppedOldBytes = queue.lastDroppedBytes();
                    dropped += droppedOld;
                }
                case QUEUED, COALESCED -> {
                }
            }
            if (outcome != OutboundQueue.Outcome.OVERFLOW && outcome != OutboundQueue.Outcome.REFUSED) {
                hubQueuedBytes.add(queue.bytes() - bytesBefore);
                updateWritable();
                if (!active) {
                    active = true;
                    start = true;
                }
            }
        }
        switch (outcome) {
            case OVERFLOW -> {
                events.overflowed();
                return SendResult.CLOSED;
            }
            case REFUSED -> {
                events.refusedNewest(frame.size());
                return SendResult.DROPPED;
            }
            case QUEUED_AFTER_DROPPING_OLDEST -> events.droppedOldest(droppedOld, droppedOldBytes);
            case QUEUED, COALESCED -> {
            }
        }
        if (start) {
            if (dispatch) {
                dispatch();
            } else {
                flush();
            }
        }
        return SendResult.QUEUED;
    }

    /**
     * Queues what a client missed, in order, whatever the queue's limits (see
     * {@link OutboundQueue#offerReplayed}), and starts the writer on the flush executor when it was
     * idle (a replay is queued under a room's lock).
     *
     * @return {@link SendResult#QUEUED}, or {@link SendResult#CLOSED} when the writer takes nothing more
     */
    SendResult offerReplayed(List<Message> frames, long nowNanos) {
        boolean start = false;
        synchronized (this) {
            if (terminated || closeAfterDrain != null) {
                return SendResult.CLOSED;
            }
            long bytesBefore = queue.bytes();
            for (Message frame : frames) {
                queue.offerReplayed(frame, nowNanos);
            }
            hubQueuedBytes.add(queue.bytes() - bytesBefore);
            updateWritable();
            if (!active && !frames.isEmpty()) {
                active = true;
                start = true;
            }
        }
        if (start) {
            dispatch();
        }
        return SendResult.QUEUED;
    }

    /**
     * Asks for the close frame to follow what is queued. Frames offered later are refused.
     *
     * @return false if a close was already requested or the writer is terminated
     */
    boolean closeAfterDrain(CloseStatus status) {
        boolean now = false;
        synchronized (this) {
            if (terminated || closeAfterDrain != null) {
                return false;
            }
            closeAfterDrain = status;
            if (!active) {
                closeHandedOver = true;
                now = true;
            }
        }
        if (now) {
            events.drainedForClose(status);
        }
        return true;
    }

    /**
     * Stops for good: discards the queue and refuses every later frame.
     *
     * @return the bytes discarded
     */
    long terminate() {
        synchronized (this) {
            terminated = true;
            long discarded = queue.clear();
            hubQueuedBytes.add(-discarded);
            updateWritable();
            return discarded;
        }
    }

    /** When the write in flight started, in clock nanos; 0 when none is in flight. */
    long writeStartedNanos() {
        return writeStartedNanos;
    }

    boolean isWritable() {
        return writable;
    }

    synchronized long messagesOut() {
        return messagesOut;
    }

    synchronized long bytesOut() {
        return bytesOut;
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized int queuedMessages() {
        return queue.size();
    }

    synchronized long queuedBytes() {
        return queue.bytes();
    }

    /** How long the frame that has waited longest has waited, in nanos; 0 when none waits. */
    synchronized long oldestQueuedAge(long nowNanos) {
        return queue.size() == 0 ? 0 : Math.max(0, nowNanos - queue.oldestQueuedAt());
    }

    private void dispatch() {
        try {
            flushExecutor.execute(this); // the writer is its own task: nothing allocated per hand-off
        } catch (RejectedExecutionException e) {
            flush(); // the executor is shutting down with the hub: write here instead
        }
    }

    /**
     * The flush executor's entry: see {@link #flush()}. Whatever escapes is the session's end, not
     * the flush thread's: the executor goes on serving every other writer.
     */
    @Override
    public void run() {
        try {
            flush();
        } catch (RuntimeException | Error e) {
            terminateAfter(e);
        }
    }

    /** Something escaped a flush: this writer cannot be trusted to continue. */
    private void terminateAfter(Throwable cause) {
        synchronized (this) {
            terminate();
            active = false;
            inFlight = false;
        }
        events.writeFailed(cause);
    }

    /** Drains and writes until the queue is empty or a write is left in flight. */
    private void flush() {
        for (;;) {
            Message[] frames;
            int count;
            CloseStatus close = null;
            synchronized (this) {
                if (terminated) {
                    active = false;
                    return;
                }
                ensureBatchFor(queue.size());
                count = queue.drainTo(batch, MAX_BATCH_BYTES);
                if (count == 0) {
                    active = false;
                    if (closeAfterDrain != null && !closeHandedOver) {
                        closeHandedOver = true;
                        close = closeAfterDrain;
                    }
                } else {
                    batchCount = count;
                    long b = 0;
                    int texts = 0;
                    for (int i = 0; i < count; i++) {
                        b += batch[i].size();
                        if (batch[i].isText()) {
                            texts++;
                        }
                    }
                    batchBytes = b;
                    batchTexts = texts;
                    hubQueuedBytes.add(-b);
                    updateWritable();
                    inFlight = true;
                    inSend = true;
                    completedDuringSend = false;
                    failureDuringSend = null;
                    writeStartedNanos = clock.nanoTime() | 1; // never 0 while in flight
                }
                frames = batch;
            }
            if (count == 0) {
                if (close != null) {
                    events.drainedForClose(close);
                }
                return;
            }
            Throwable thrown = null;
            try {
                connection.send(frames, count, this);
            } catch (RuntimeException | Error e) {
                thrown = e; // the transport broke its promise to report through the callback
            }
            Throwable failure;
            synchronized (this) {
                inSend = false;
                if (!completedDuringSend && thrown == null) {
                    return; // the callback continues when the write completes
                }
                failure = completedDuringSend ? failureDuringSend : thrown;
                failureDuringSend = null;
            }
            // The write completed (or threw) before send returned: the batch is no longer the
            // transport's, so it is finished here, on this turn of the loop, not in the callback.
            if (!finishWrite(failure)) {
                return;
            }
        }
    }

    @Override
    public void succeeded() {
        completed(null);
    }

    @Override
    public void failed(Throwable cause) {
        completed(cause);
    }

    /**
     * The transport completed the write in flight. While {@code send} is still on the stack the
     * batch array is still the transport's (it may be reading the next frame), so the flushing
     * thread finishes the write once {@code send} returns; otherwise it is finished here.
     */
    private void completed(Throwable cause) {
        synchronized (this) {
            if (!inFlight) {
                return; // a second completion of one write: the transport broke its promise; ignored
            }
            if (inSend) {
                completedDuringSend = true;
                failureDuringSend = cause;
                return;
            }
        }
        if (finishWrite(cause)) {
            flush();
        }
    }

    /**
     * Clears the batch and counts the write, or terminates after a failure.
     *
     * @return whether to go on flushing
     */
    private boolean finishWrite(Throwable cause) {
        int messages;
        int texts;
        long bytes;
        synchronized (this) {
            if (!inFlight) {
                return false;
            }
            inFlight = false;
            messages = batchCount;
            texts = batchTexts;
            bytes = batchBytes;
            if (batch != null) {
                Arrays.fill(batch, 0, batchCount, null);
            }
            batchCount = 0;
            batchBytes = 0;
            writeStartedNanos = 0;
            if (cause == null) {
                messagesOut += messages;
                bytesOut += bytes;
            } else {
                terminate();
                active = false;
            }
        }
        if (cause != null) {
            events.writeFailed(cause);
            return false;
        }
        events.written(texts, messages - texts, bytes);
        return true;
    }

    /**
     * Sizes the batch array to what is queued, up to the frame limit: a session that gets one
     * message at a time keeps a one-slot array, not 64. The caller holds the lock.
     */
    private void ensureBatchFor(int queued) {
        int wanted = Math.min(MAX_BATCH_FRAMES, Math.max(1, queued));
        if (batch == null || batch.length < wanted) {
            int grown = batch == null ? wanted : Math.min(MAX_BATCH_FRAMES, Math.max(wanted, batch.length * 2));
            batch = new Message[grown];
        }
    }

    private void updateWritable() {
        writable = queue.size() < lowWaterMessages && queue.bytes() < lowWaterBytes;
    }
}
