package io.wshub.bench;

import io.wshub.bench.loadtest.LoadTestCommand;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code java -jar hub-bench/target/wshub-bench.jar <tool> [arguments]}: the instruments that run
 * as processes. Each tool reads its own arguments ({@code --help} shows them):
 *
 * <pre>{@code
 * java -jar wshub-bench.jar loadtest <echo|fanout|idle|storm> [options]    the load tool (LoadTestCommand)
 * java -jar wshub-bench.jar raw-jetty [--host H] [--port P] [--idle-timeout SECONDS]    the floor (RawJettyServer)
 * java -jar wshub-bench.jar compare-table DIR SCENARIO:FIGURE[,FIGURE...] ...    compare.sh's table (CompareTable)
 * }</pre>
 *
 * <p>Only the chosen tool's classes are loaded: the floor server runs without the load tool's
 * command-line library. The JMH microbenchmarks are {@code benchmarks.jar}.
 */
public final class BenchMain {

    /** The load tool: {@link LoadTestCommand}. */
    static final String LOADTEST = "loadtest";
    /** The raw-Jetty floor server: {@link RawJettyServer}. */
    static final String RAW_JETTY = "raw-jetty";
    /** The table {@code compare.sh} ends with: {@link CompareTable}. */
    static final String COMPARE_TABLE = "compare-table";

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -jar wshub-bench.jar <tool> [arguments]",
            "  " + LOADTEST + " <echo|fanout|idle|storm> [options]",
            "      loads a WebSocket server on this machine (loopback only) and measures it",
            "  " + RAW_JETTY + " " + ServerArguments.OPTIONS,
            "      the raw-Jetty floor server: /echo, /broadcast and /health with no hub in between",
            "  " + COMPARE_TABLE + " " + CompareTable.ARGUMENTS,
            "      compare.sh's table of wshub against the floor, from the load tool's --json reports",
            "A tool's --help says more. The JMH microbenchmarks: java -jar benchmarks.jar");

    private static final Set<String> HELP = Set.of("-h", "--help");

    private BenchMain() {
    }

    /** Runs the tool named by the first argument with the others. */
    public static void main(String[] args) throws Exception {
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (args.length == 0 ? "" : args[0]) {
            case LOADTEST -> LoadTestCommand.main(rest);
            case RAW_JETTY -> RawJettyServer.main(rest);
            case COMPARE_TABLE -> CompareTable.main(rest);
            default -> {
                int code = withoutTool(args, System.out, System.err);
                if (code != 0) {
                    System.exit(code);
                }
            }
        }
    }

    /**
     * Without a known tool: the usage, on {@code out} with exit code 0 when asked for with
     * {@code -h} or {@code --help}, else on {@code err} with exit code 2.
     */
    static int withoutTool(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && HELP.contains(args[0])) {
            out.println(USAGE);
            return 0;
        }
        if (args.length > 0) {
            err.println("wshub-bench: unknown tool: " + args[0]);
        }
        err.println(USAGE);
        return 2;
    }
}
