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

/**
 * The one writer of a session: drains its {@link OutboundQueue} into the transport with at most
 * one write in flight, several queued frames per write. Whoever finds the writer idle starts it,
 * on its own thread or on the flush executor; the write's completion continues it. A completion
 * that arrives while {@code send} is still on the stack is turned into another turn of the loop
 * instead of recursion (as the JDK's {@code SequentialScheduler} does).
 *
 * <p>It also tells when its queue crosses a mark (Netty's water marks): above the high mark the
 * session is behind until the queue drains below the low mark; each change goes to its session
 * (and the application) and to the hub's {@link QueueBudget}, in order, one at a time.
 *
 * <p>Decisions are made under this object's lock; the transport, the session and the budget are
 * always called after the lock is released.
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

        /** A newer frame of its key replaced (or cancelled) a waiting one. */
        void conflated();

        /** The queue crossed a mark; called once per change, in order, never twice at once. */
        void writabilityChanged(boolean writable);
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
    private final QueueBudget budget;

    // All fields below are guarded by "this".
    private Message[] batch;
    private int batchCount;
    private int batchTexts;
    private long batchBytes;
    /** A flush is scheduled or running, or a write is in flight. */
    private boolean active;
    /** A write was handed to the transport and has not been finished. */
    private boolean inFlight;
    /** Handed to the flush executor and not yet run: what is queued waits for the node, not the peer. */
    private boolean awaitingTurn;
    /** The queue is past one of its own limits, as the budget was told. */
    private boolean pastLimit;
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
    /** The queue rose above its high mark and has not drained below its low mark since. */
    private boolean behind;
    /** What the session and the budget were last told. */
    private boolean toldBehind;
    /** A thread is telling them; another change meanwhile is told by it, in order. */
    private boolean telling;
    /** Writes finished, and how many had when the session fell behind: none since means a peer that reads nothing. */
    private long writesDone;
    private long writesDoneWhenBehind;

    /** When the write in flight started (clock nanos), 0 when none; read by the hub's ticker. */
    private volatile long writeStartedNanos;
    /** Whether the session is not behind; read without the lock. */
    private volatile boolean writable = true;

    SessionWriter(OutboundQueue queue, Connection connection, Executor flushExecutor, Events events,
                  NanoClock clock, QueueBudget budget) {
        this.queue = queue;
        this.budget = budget;
        this.connection = connection;
        this.flushExecutor = flushExecutor;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Offers a frame. When the writer was idle it starts: here, or on the flush executor when
     * {@code dispatch} is set (a large fan-out spreads its writes over the cores that way).
     *
     * @param delivery its policy and conflation key, or null for the hub's overflow policy
     * @param nowNanos the clock's time (a fan-out reads it once for all its recipients)
     */
    SendResult offer(Message frame, Delivery delivery, boolean dispatch, long nowNanos) {
        OutboundQueue.Outcome outcome;
        boolean start = false;
        boolean tell = false;
        int droppedOld = 0;
        long droppedOldBytes = 0;
        synchronized (this) {
            if (terminated || closeAfterDrain != null) {
                return SendResult.CLOSED;
            }
            long bytesBefore = queue.countedBytes();
            int countedBefore = queue.counted();
            outcome = queue.offer(frame, delivery, nowNanos, awaitingTurn);
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
                account(bytesBefore, countedBefore);
                tell = updateBehind();
                if (!active) {
                    active = true;
                    start = true;
                    awaitingTurn = dispatch;
                }
            }
        }
        SendResult result = report(outcome, frame, droppedOld, droppedOldBytes, events);
        if (result != SendResult.QUEUED) {
            return result;
        }
        if (tell) {
            tellWritability();
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
     * Tells the events what an offer's outcome was (after the lock), and what the offer returns.
     *
     * @param dropped      for {@link OutboundQueue.Outcome#QUEUED_AFTER_DROPPING_OLDEST}: the frames discarded
     * @param droppedBytes and their bytes
     */
    static SendResult report(OutboundQueue.Outcome outcome, Message frame, int dropped, long droppedBytes, Events events) {
        switch (outcome) {
            case OVERFLOW -> {
                events.overflowed();
                return SendResult.CLOSED;
            }
            case REFUSED -> {
                events.refusedNewest(frame.size());
                return SendResult.DROPPED;
            }
            case QUEUED_AFTER_DROPPING_OLDEST -> events.droppedOldest(dropped, droppedBytes);
            case COALESCED -> events.conflated();
            case QUEUED -> {
            }
        }
        return SendResult.QUEUED;
    }

    /**
     * Queues what a client missed, in order, whatever the queue's limits (see
     * {@link OutboundQueue#offerReplayed}), and starts the writer on the flush executor when it was
     * idle (a replay is queued under a room's lock). The replay counts against neither the queue's
     * limits nor the hub's budget, and leaves the marks where they were: it tells the budget and the
     * session nothing.
     *
     * @return {@link SendResult#QUEUED}, or {@link SendResult#CLOSED} when the writer takes nothing more
     */
    SendResult offerReplayed(List<Message> frames, long nowNanos) {
        boolean start = false;
        synchronized (this) {
            if (terminated || closeAfterDrain != null) {
                return SendResult.CLOSED;
            }
            for (Message frame : frames) {
                queue.offerReplayed(frame, nowNanos);
            }
            if (!active && !frames.isEmpty()) {
                active = true;
                start = true;
                awaitingTurn = true;
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
        long discarded;
        boolean tell;
        synchronized (this) {
            terminated = true;
            int counted = queue.counted();
            long countedBytes = queue.countedBytes();
            discarded = queue.clear();
            account(countedBytes, counted);
            tell = updateBehind();
        }
        afterDrain(tell);
        return discarded;
    }

    /**
     * Cuts the queue back to its low mark because the hub's budget is full while this session is
     * behind on its own ({@link QueueBudget}); a queue holding a frame whose policy is to
     * disconnect overflows instead, as a full one would.
     */
    void shed() {
        OutboundQueue.Outcome outcome;
        boolean tell = false;
        int n = 0;
        long nBytes = 0;
        synchronized (this) {
            if (terminated || !behind) {
                return;
            }
            long bytesBefore = queue.countedBytes();
            int countedBefore = queue.counted();
            outcome = queue.shed();
            if (outcome == OutboundQueue.Outcome.OVERFLOW) {
                terminated = true;
            } else {
                n = queue.lastDropped();
                nBytes = queue.lastDroppedBytes();
                dropped += n;
                account(bytesBefore, countedBefore);
                tell = updateBehind();
            }
        }
        if (outcome == OutboundQueue.Outcome.OVERFLOW) {
            events.overflowed();
            return;
        }
        if (n > 0) {
            events.droppedOldest(n, nBytes);
        }
        afterDrain(tell);
    }

    /**
     * Whether the peer has taken nothing since the session fell behind: no write finished since,
     * and the one in flight has been for at least {@code afterNanos}. A peer that reads, however
     * slowly, finishes writes; one that stopped does not. (The time keeps a write that was only
     * just handed over from counting.)
     */
    synchronized boolean isStuck(long nowNanos, long afterNanos) {
        return behind && inFlight && writesDone == writesDoneWhenBehind && nowNanos - writeStartedNanos >= afterNanos;
    }

    /**
     * The write in flight is a message sent as a stream ({@link StreamingConnection}) and it moved on
     * (a chunk was offered or written): the write timeout counts from now, so a long stream that keeps
     * moving is not a stuck write, and one that stops for the timeout is.
     */
    synchronized void progressed() {
        if (inFlight) {
            writeStartedNanos = clock.nanoTime() | 1;
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
        terminate();
        synchronized (this) {
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
            boolean tell = false;
            synchronized (this) {
                awaitingTurn = false;
                if (terminated) {
                    active = false;
                    return;
                }
                ensureBatchFor(queue.size());
                int countedBefore = queue.counted();
                long countedBytesBefore = queue.countedBytes();
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
                    account(countedBytesBefore, countedBefore);
                    tell = updateBehind();
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
            afterDrain(tell);
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
                writesDone++;
            } else {
                terminated = true; // refuses offers at once; terminate() below clears the queue
                active = false;
            }
        }
        if (cause != null) {
            terminate();
            events.writeFailed(cause);
            return false;
        }
        events.written(texts, messages - texts, bytes);
        return true;
    }

    /**
     * Tells the budget what the queue's counted frames changed by since they were
     * {@code bytesBefore} and {@code countedBefore}, and whether the queue went past one of its own
     * limits or came back; the caller holds the lock.
     */
    private void account(long bytesBefore, int countedBefore) {
        budget.add(queue.countedBytes() - bytesBefore, queue.counted() - countedBefore);
        boolean now = queue.isPastLimit();
        if (now != pastLimit) {
            pastLimit = now;
            budget.pastLimit(now);
        }
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

    /**
     * Moves between behind and not at the marks; the caller holds the lock.
     *
     * @return whether there is a change to tell (then the caller calls {@link #tellWritability()})
     */
    private boolean updateBehind() {
        boolean now = behind ? !queue.isBelowLowMark() : queue.isAboveHighMark();
        if (now != behind) {
            behind = now;
            writable = !now;
            writesDoneWhenBehind = writesDone;
        }
        return behind != toldBehind;
    }

    /** After bytes left the queue: tells a change of writability, and the budget that it may ease. */
    private void afterDrain(boolean tell) {
        if (tell) {
            tellWritability();
        }
        budget.drained();
    }

    /**
     * Tells the budget and the session (while it writes) each change of writability, in order and one at a time:
     * whoever finds nobody telling tells until what was told is what is, so a change made meanwhile
     * by another thread is told by this one after the one before it.
     */
    private void tellWritability() {
        synchronized (this) {
            if (telling) {
                return;
            }
            telling = true;
        }
        try {
            for (;;) {
                boolean nowBehind;
                boolean ended;
                synchronized (this) {
                    if (toldBehind == behind) {
                        telling = false;
                        return;
                    }
                    toldBehind = behind;
                    nowBehind = behind;
                    ended = terminated;
                }
                budget.behind(this, nowBehind);
                if (!ended) { // a terminated writer's queue emptied because it ended: nothing to resume
                    events.writabilityChanged(!nowBehind);
                }
            }
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                telling = false;
            }
            throw e;
        }
    }
}
