package io.wshub.bench.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What every scenario command does: check the options (a bad one is a usage error, exit 2),
 * run, and print the summary as a table or JSON on stdout (exit 0, or 3 when not every
 * connection opened); a run that opened no connection at all fails (exit 1).
 */
abstract class ScenarioCommand implements Callable<Integer> {

    /** Exit code of a run that could not measure anything. */
    static final int FAILED = 1;
    /** Exit code of a run that completed without every requested connection. */
    static final int INCOMPLETE = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Override
    public final Integer call() throws Exception {
        Scenario scenario;
        try {
            Target target = Target.parse(common.url, defaultPath());
            Optional<ProcessProbe> server = common.serverPid == null
                    ? Optional.empty() : Optional.of(ProcessProbe.of(common.serverPid));
            Duration connectTimeout = Bounds.seconds("--connect-timeout", common.connectTimeoutSeconds, 1, 600);
            scenario = create(target, server, connectTimeout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Report report;
        try {
            report = scenario.run(spec.commandLine().getErr());
        } catch (RunFailed e) {
            spec.commandLine().getErr().println("loadtest: " + e.getMessage());
            return FAILED;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(common.json ? report.json() + System.lineSeparator() : report.table());
        out.flush();
        return scenario.complete() ? 0 : INCOMPLETE;
    }

    /** The path used when the URL has none. */
    abstract String defaultPath();

    /**
     * Checks the scenario's own options and builds it.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    abstract Scenario create(Target target, Optional<ProcessProbe> server, Duration connectTimeout);
}
