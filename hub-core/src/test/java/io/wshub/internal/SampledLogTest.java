package io.wshub.internal;

import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SampledLogTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    /** A logger that keeps each line as "LEVEL text", enabled up to a level. */
    private static final class Lines extends LegacyAbstractLogger {
        final List<String> lines = new ArrayList<>();
        private final Level enabled;

        Lines(Level enabled) {
            this.enabled = enabled;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled.toInt() <= Level.DEBUG.toInt();
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled.toInt() <= Level.INFO.toInt();
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args));
        }
    }

    @Test
    void aStormIsLoggedUpToItsSharePerWindowThenCountedAndTheCountFollows() {
        Lines log = new Lines(Level.INFO);
        SampledLog sampled = new SampledLog(log, "session ends", 2, Duration.ofSeconds(10), 0);

        for (int i = 0; i < 5; i++) {
            sampled.info(i * SECOND, "end {}", i);
        }
        sampled.info(11 * SECOND, "end {}", 11);

        assertThat(log.lines).containsExactly("INFO end 0", "INFO end 1",
                "INFO ... and 3 more session ends in the 10 s before: 2 are logged per 10 s, all of them at DEBUG",
                "INFO end 11");
    }

    @Test
    void atDebugEveryEventIsLogged() {
        Lines log = new Lines(Level.DEBUG);
        SampledLog sampled = new SampledLog(log, "refused upgrades", 1, Duration.ofSeconds(10), 0);

        for (int i = 0; i < 3; i++) {
            sampled.info(0, "refused {}", i);
        }

        assertThat(log.lines).containsExactly("DEBUG refused 0", "DEBUG refused 1", "DEBUG refused 2");
    }

    @Test
    void withInfoOffNothingIsLogged() {
        Lines log = new Lines(Level.WARN);
        SampledLog sampled = new SampledLog(log, "session ends", 1, Duration.ofSeconds(1), 0);

        sampled.info(0, "a");
        sampled.info(5 * SECOND, "b");

        assertThat(log.lines).isEmpty();
    }
}
