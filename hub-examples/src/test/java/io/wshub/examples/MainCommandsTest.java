package io.wshub.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The one jar offers every tool of the examples under its documented name. */
class MainCommandsTest {

    @Test
    void theJarOffersTheServersAndTheTerminalClient() {
        assertThat(Main.commandLine(Map.of()).getSubcommands().keySet())
                .containsExactlyInAnyOrder("room", "echo", "broadcast", "client");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-V", "--version", "client -V", "room --version", "echo -V", "broadcast -V"})
    void everyCommandPrintsTheProjectVersion(String args) {
        StringWriter out = new StringWriter();
        var cli = Main.commandLine(Map.of());
        cli.setOut(new PrintWriter(out));

        assertThat(cli.execute(args.split(" "))).isZero();

        assertThat(out.toString().trim()).isEqualTo("wshub examples " + System.getProperty("wshub.version", "0.1.0-SNAPSHOT"));
    }

    @Test
    void theTerminalClientNeedsAUrl() {
        StringWriter err = new StringWriter();
        var cli = Main.commandLine(Map.of());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("client")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--url=URL'");
    }
}
