package io.wshub.bench.loadtest;

import java.io.PrintWriter;

/** One run of a load-test scenario. */
interface Scenario {

    /** Runs to the end (bounded in time by its settings) and reports; progress goes to {@code err}. */
    Report run(PrintWriter err) throws Exception;

    /** Whether every requested connection opened (and, where it matters, stayed open). */
    boolean complete();
}
