package io.wshub;

import java.util.Map;
import java.util.Objects;

/**
 * One named check of a node's health (a broker's {@code PING}, a canary, a database of the
 * application's), run by {@link HealthChecks} on its own threads with a timeout. No transport type
 * appears here, so a broker or an application adds checks without depending on the server adapter.
 *
 * <p>{@link #check()} may block, but no longer than the timeout it was added with: past it the
 * check is reported down, and it is not started again until the run under way has returned. A
 * check that never blocks (it reads state kept in memory) is a {@link NonBlocking} one.
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * Checks once.
     *
     * @return the result; a check that throws is reported down with the exception as its error
     * @throws Exception when the check fails
     */
    Result check() throws Exception;

    /**
     * A check that never blocks and returns at once (it reads state kept in memory, such as a
     * canary's last round trip): {@link HealthChecks} runs it on the calling thread, sparing a
     * thread hop that a loaded node would feel. It must keep that promise: one that blocks, blocks
     * its caller (a server's I/O thread).
     */
    @FunctionalInterface
    interface NonBlocking extends HealthCheck {
    }

    /**
     * What one check found.
     *
     * @param healthy  whether what it checks works
     * @param error    why not, empty when healthy
     * @param metadata facts worth showing (a round trip, a count): values that JSON can render
     *                 (strings, numbers, booleans)
     */
    record Result(boolean healthy, String error, Map<String, Object> metadata) {

        /** Copies the metadata; a healthy result has no error. */
        public Result {
            Objects.requireNonNull(error, "error");
            metadata = Map.copyOf(metadata);
            if (healthy && !error.isEmpty()) {
                throw new IllegalArgumentException("a healthy result has no error, was '" + error + "'");
            }
        }

        /** Healthy, nothing to add. */
        public static Result up() {
            return new Result(true, "", Map.of());
        }

        /** Healthy, with these facts. */
        public static Result up(Map<String, Object> metadata) {
            return new Result(true, "", metadata);
        }

        /** Down, for this reason. */
        public static Result down(String error) {
            return new Result(false, error, Map.of());
        }

        /** Down, for this reason, with these facts. */
        public static Result down(String error, Map<String, Object> metadata) {
            return new Result(false, error, metadata);
        }
    }
}
