package io.wshub.internal;

import org.slf4j.Logger;

import java.time.Duration;

/**
 * An INFO line per event, sampled so that a storm of them (a reconnect storm, a flood of refused
 * upgrades) does not flood the log: within each window the first {@code perWindow} events are
 * logged, the rest only counted, and the first event after the window says how many were left
 * out. With DEBUG on for the logger, every event is logged.
 */
final class SampledLog {

    private final Logger log;
    private final String what;
    private final int perWindow;
    private final long windowNanos;
    private final String windowText;

    // Guarded by "this".
    private long windowStart;
    private int loggedInWindow;
    private long leftOut;

    /**
     * @param what      what the events are, for the line that counts those left out ("session ends")
     * @param perWindow events logged in full per window
     */
    SampledLog(Logger log, String what, int perWindow, Duration window, long nowNanos) {
        this.log = log;
        this.what = what;
        this.perWindow = perWindow;
        this.windowNanos = window.toNanos();
        this.windowText = window.toMillis() % 1000 == 0 ? window.toSeconds() + " s" : window.toMillis() + " ms";
        this.windowStart = nowNanos;
    }

    /** Logs one event at INFO (every one at DEBUG), unless this window's share is spent. */
    void info(long nowNanos, String format, Object... args) {
        if (log.isDebugEnabled()) {
            log.debug(format, args);
            return;
        }
        if (!log.isInfoEnabled()) {
            return;
        }
        long skipped;
        synchronized (this) {
            skipped = 0;
            if (nowNanos - windowStart >= windowNanos) {
                skipped = leftOut;
                leftOut = 0;
                loggedInWindow = 0;
                windowStart = nowNanos;
            }
            if (loggedInWindow >= perWindow) {
                leftOut++;
                return;
            }
            loggedInWindow++;
        }
        if (skipped > 0) {
            log.info("... and {} more {} in the {} before: {} are logged per {}, all of them at DEBUG",
                    skipped, what, windowText, perWindow, windowText);
        }
        log.info(format, args);
    }
}
