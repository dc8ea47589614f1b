package io.wshub.examples;

import io.wshub.examples.client.ClientCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar wshub-examples.jar [room|echo|broadcast] [--host H] [--port P] [--config FILE.yaml] ...}:
 * the example servers of wshub; {@code client --url ws://HOST:PORT/ws [--room R]}: the terminal
 * client. Without a command it starts the room server. (The load tool is hub-bench's:
 * {@code java -jar wshub-bench.jar loadtest ...}.)
 */
@Command(name = "wshub-examples", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"The example servers of wshub, an embeddable WebSocket hub for Jetty 12.",
                "Without a command, starts the room server on port 8080."})
public final class Main {

    /** The server started when the first argument is not a command. */
    static final String DEFAULT_COMMAND = "room";
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    private Main() {
    }

    /** Runs the command; exits with its code when it is not 0 (a server that stopped normally exits 0). */
    public static void main(String[] args) {
        int code = run(args, System.getenv());
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Parses and runs; returns the exit code. */
    static int run(String[] args, Map<String, String> env) {
        return commandLine(env).execute(withDefaultCommand(args));
    }

    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main());
        for (ExampleServer kind : ExampleServer.values()) {
            cli.addSubcommand(kind.command, new CommandLine(new ServerCommand(kind, env).spec()));
        }
        cli.addSubcommand(new ClientCommand());
        cli.setExecutionExceptionHandler(ServerCommand::handleConfigError);
        return cli;
    }

    /** {@code --port 9000} alone means {@code room --port 9000}. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length > 0 && (!args[0].startsWith("-") || TOP_LEVEL_OPTIONS.contains(args[0]))) {
            return args;
        }
        String[] withRoom = new String[args.length + 1];
        withRoom[0] = DEFAULT_COMMAND;
        System.arraycopy(args, 0, withRoom, 1, args.length);
        return withRoom;
    }
}
