package io.wshub.examples;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Starts one example server and runs until SIGTERM or Ctrl-C, which shut it down gracefully. Its
 * flags come from the {@link Setting} table, plus {@code --config FILE.yaml}.
 */
final class ServerCommand implements Callable<Integer> {

    private final ExampleServer kind;
    private final Map<String, String> env;
    private final CommandSpec spec;

    ServerCommand(ExampleServer kind, Map<String, String> env) {
        this.kind = kind;
        this.env = env;
        this.spec = CommandSpec.wrapWithoutInspection(this);
        spec.name(kind.command);
        spec.usageMessage().description("Starts " + kind.description + ".",
                "Settings: defaults, then the YAML file, then WSHUB_* environment variables, then flags.");
        spec.mixinStandardHelpOptions(true);
        spec.versionProvider(new Version());
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE.yaml").type(Path.class)
                .description("YAML file of settings (or set " + SettingsLoader.CONFIG_ENV + ").").build());
        for (Setting s : Setting.values()) {
            OptionSpec.Builder option = OptionSpec.builder(s.flag).paramLabel(s.label).type(String.class)
                    .description(s.description + " Default: " + (s.defaultValue.isEmpty() ? "none" : s.defaultValue)
                            + ". YAML " + s.key + ", env " + s.env + ".");
            if ("BOOLEAN".equals(s.label)) {
                option.arity("0..1").fallbackValue("true");
            } else if (s == Setting.ROOM_POLICY) {
                option.type(String[].class); // may repeat: each adds its rules after the ones before
            }
            spec.addOption(option.build());
        }
    }

    /** The picocli model of this command, to register it as a subcommand. */
    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            OptionSpec option = spec.findOption(s.flag);
            if (option != null && spec.commandLine().getParseResult().hasMatchedOption(option)) {
                Object value = option.getValue();
                flags.put(s, value instanceof String[] many ? String.join(",", many) : (String) value);
            }
        }
        Settings settings = SettingsLoader.load(spec.findOption("--config").getValue(), env, flags);
        Logging.configure(settings.logLevel(), settings.logFormat());
        Warmup.run(kind, settings);
        try (HubServer server = HubServer.start(kind, settings).stopOnExit()) {
            server.logEndpoints();
            server.join();
        }
        return 0;
    }

    /** Settings that do not parse, or a port that is taken: a message, no stack trace, exit code 2. */
    static int handleConfigError(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) throws Exception {
        if (e instanceof ConfigException) {
            cmd.getErr().println("wshub-examples " + cmd.getCommandName() + ": " + e.getMessage());
            return 2;
        }
        throw e;
    }
}
