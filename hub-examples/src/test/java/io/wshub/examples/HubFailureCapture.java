package io.wshub.examples;

import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Catches what escapes the hub's threads, for the duration of a test:
 * <ul>
 *   <li>every uncaught exception, through the JVM's default handler (the hub's flush lanes hand
 *       a task's exception to it too, and an {@link Error} ends the lane's thread that way);</li>
 *   <li>every ERROR event of slf4j-simple, the tests' logging provider, and every mention of a
 *       {@link StackOverflowError} in a logged stack trace (Jetty logs a failed job at WARN).</li>
 * </ul>
 * slf4j-simple has no appender API: it prints each event, then its stack trace, to the
 * {@code System.err} of the moment (the test configuration names no log file and does not cache
 * the stream), one event at a time under its own lock. So the capture wraps {@code System.err}
 * and reads what passes through line by line; everything still reaches the console.
 * {@link #close()} puts the stream and the handler back.
 */
final class HubFailureCapture implements AutoCloseable {

    /** slf4j-simple's test format: {@code 14:03:07.412 [thread] LEVEL ShortName - message}. */
    private static final Pattern EVENT = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[(.*)] (ERROR|WARN) (\\S+) - (.*)$");

    private final StormFindings findings;
    private final PrintStream originalErr;
    private final Thread.UncaughtExceptionHandler originalHandler;
    private final AtomicInteger stackOverflows = new AtomicInteger();
    private final AtomicInteger errorEvents = new AtomicInteger();
    private final AtomicInteger warnEvents = new AtomicInteger();
    private final AtomicInteger uncaught = new AtomicInteger();

    private HubFailureCapture(StormFindings findings) {
        this.findings = findings;
        this.originalErr = System.err;
        this.originalHandler = Thread.getDefaultUncaughtExceptionHandler();
    }

    /**
     * Starts capturing into {@code findings}. Logs one WARN event to see that it reads the log
     * (a changed {@code simplelogger.properties} would otherwise blind it silently).
     *
     * @throws IllegalStateException if it cannot read slf4j-simple's output
     */
    static HubFailureCapture install(StormFindings findings) {
        HubFailureCapture capture = new HubFailureCapture(findings);
        System.setErr(new PrintStream(capture.new LineTee(), true, StandardCharsets.UTF_8));
        Thread.setDefaultUncaughtExceptionHandler(capture::uncaught);
        LoggerFactory.getLogger(HubFailureCapture.class).warn("capturing ERROR events and uncaught exceptions");
        if (capture.warnEvents.getAndSet(0) != 1) {
            capture.close();
            throw new IllegalStateException("the log's lines do not look like " + EVENT.pattern()
                    + ": see src/test/resources/simplelogger.properties");
        }
        return capture;
    }

    int stackOverflows() {
        return stackOverflows.get();
    }

    int errorEvents() {
        return errorEvents.get();
    }

    int warnEvents() {
        return warnEvents.get();
    }

    int uncaughtExceptions() {
        return uncaught.get();
    }

    private void uncaught(Thread thread, Throwable e) {
        uncaught.incrementAndGet();
        if (e instanceof StackOverflowError) {
            stackOverflows.incrementAndGet();
        }
        findings.problem("uncaught exception", thread.getName() + ": " + e);
        synchronized (originalErr) {
            originalErr.println("Uncaught exception in thread " + thread.getName() + ": " + e);
            StackTraceElement[] trace = e.getStackTrace();
            for (int i = 0; i < Math.min(trace.length, 12); i++) {
                originalErr.println("\tat " + trace[i]);
            }
        }
    }

    private void line(String line) {
        if (line.contains("StackOverflowError")) {
            stackOverflows.incrementAndGet();
            findings.problem("StackOverflowError logged", line.trim());
        }
        Matcher m = EVENT.matcher(line);
        if (!m.matches()) {
            return;
        }
        if (m.group(2).equals("ERROR")) {
            errorEvents.incrementAndGet();
            findings.problem("ERROR logged", "[" + m.group(1) + "] " + m.group(3) + " - " + m.group(4));
        } else {
            warnEvents.incrementAndGet(); // reported, not failed on: clients warn when they give up, say
        }
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(originalErr);
        Thread.setDefaultUncaughtExceptionHandler(originalHandler);
    }

    /** Passes every byte on to the original stream and hands each complete line to {@link #line}. */
    private final class LineTee extends OutputStream {
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            originalErr.write(b);
            take(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            originalErr.write(bytes, offset, length);
            for (int i = offset; i < offset + length; i++) {
                take(bytes[i]);
            }
        }

        @Override
        public void flush() {
            originalErr.flush();
        }

        private void take(int b) {
            if (b == '\n') {
                line(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else if (b != '\r') {
                current.write(b);
            }
        }
    }
}
