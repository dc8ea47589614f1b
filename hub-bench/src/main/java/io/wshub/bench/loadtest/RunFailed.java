package io.wshub.bench.loadtest;

/** A run that could not measure anything, such as one where no connection opened. */
final class RunFailed extends Exception {

    private static final long serialVersionUID = 1L;

    RunFailed(String message) {
        super(message);
    }

    /** Fails unless at least one connection opened, quoting the first error. */
    static void unlessConnected(int connected, ErrorCounts errors) throws RunFailed {
        if (connected == 0) {
            throw new RunFailed("no connection opened; first error: " + errors.firstError());
        }
    }
}
