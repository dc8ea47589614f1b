package io.wshub.examples;

import io.wshub.HistoryLimits;
import io.wshub.HubOptions;
import io.wshub.OverflowPolicy;
import io.wshub.RateLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings come from the defaults, then YAML, then the environment, then flags; bad values say where they came from. */
class SettingsTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("wshub.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theDefaultsAreTheHubsDefaults() {
        Settings s = Settings.defaults();
        assertThat(s.hubOptions()).isEqualTo(HubOptions.defaults());
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.host()).isEqualTo("0.0.0.0");
        assertThat(s.jettyOptions().permessageDeflate()).isFalse();
        assertThat(s.logLevel()).isEqualTo("info");
    }

    @Test
    void theRoomServerKeepsHistoryAndHoldsSessionsForResumeAndTheOthersDoNot() {
        Settings s = Settings.defaults();
        HubOptions rooms = s.hubOptions(true);
        assertThat(rooms.roomHistory()).isEqualTo(HistoryLimits.of(1000, 1024 * 1024, Duration.ofMinutes(5)));
        assertThat(rooms.resumeWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(rooms.dedupeWindow()).isEqualTo(1000);
        assertThat(s.hubOptions(false).roomHistory()).isEqualTo(HistoryLimits.OFF);
        assertThat(s.hubOptions(false).resumeOn()).isFalse();

        Settings off = SettingsLoader.load(null, Map.of(), Map.of(Setting.ROOM_HISTORY, "0", Setting.RESUME_WINDOW, "0",
                Setting.DEDUPE_WINDOW, "0"));
        assertThat(off.hubOptions(true).historyOn()).isFalse();
        assertThat(off.hubOptions(true).resumeOn()).isFalse();
        assertThat(off.hubOptions(true).dedupeWindow()).isZero();
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of(), Map.of(Setting.ROOM_HISTORY, "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("roomHistory must be >= 0");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of(), Map.of(Setting.ROOM_HISTORY_AGE, "0s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history limits must all be positive");
    }

    @Test
    void eachLayerOverridesTheOneBefore() throws Exception {
        Path file = yaml("""
                port: 9001
                maxConnections: 50
                writeTimeout: 3s
                rateLimit:
                  messagesPerSecond: 7
                  burst: 9
                allowedOrigins:
                  - https://a.example.com
                  - https://b.example.com
                """);
        Map<String, String> env = Map.of("WSHUB_PORT", "9002", "WSHUB_MAX_CONNECTIONS", "60");
        Map<Setting, String> flags = Map.of(Setting.PORT, "9003");

        Settings s = SettingsLoader.load(file, env, flags);

        assertThat(s.port()).isEqualTo(9003);
        assertThat(s.hubOptions().maxConnections()).isEqualTo(60);
        assertThat(s.hubOptions().writeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.hubOptions().rateLimit()).isEqualTo(RateLimit.of(7, 9));
        assertThat(s.get(Setting.ALLOWED_ORIGINS)).isEqualTo(List.of("https://a.example.com", "https://b.example.com"));
    }

    @Test
    void theConfigFileMayComeFromTheEnvironment() throws Exception {
        Path file = yaml("port: 9100\n");
        assertThat(SettingsLoader.load(null, Map.of("WSHUB_CONFIG", file.toString()), Map.of()).port()).isEqualTo(9100);
    }

    @Test
    void aRateOfZeroTurnsTheRateLimitOff() throws Exception {
        assertThat(SettingsLoader.load(null, Map.of(), Map.of(Setting.RATE_LIMIT, "0")).hubOptions().rateLimit())
                .isEqualTo(RateLimit.UNLIMITED);
        assertThat(SettingsLoader.load(yaml("rateLimit.messagesPerSecond: 0\n"), Map.of(), Map.of()).hubOptions().rateLimit())
                .isEqualTo(RateLimit.UNLIMITED);
    }

    @Test
    void valuesAreReadAsPeopleWriteThem() {
        Settings s = SettingsLoader.load(null, Map.of(
                "WSHUB_MAX_MESSAGE_BYTES", "1MiB",
                "WSHUB_MAX_QUEUED_BYTES", "65536",
                "WSHUB_PING_INTERVAL", "PT20S",
                "WSHUB_PONG_TIMEOUT", "1m",
                "WSHUB_CLOSE_TIMEOUT", "500ms",
                "WSHUB_OVERFLOW_POLICY", "drop-oldest",
                "WSHUB_PERMESSAGE_DEFLATE", "yes",
                "WSHUB_SESSION_ID_PARAMETER", ""), Map.of());
        HubOptions o = s.hubOptions();
        assertThat(o.maxMessageBytes()).isEqualTo(1024 * 1024);
        assertThat(o.maxQueuedBytes()).isEqualTo(65536);
        assertThat(o.pingInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.pongTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.closeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.overflowPolicy()).isEqualTo(OverflowPolicy.DROP_OLDEST);
        assertThat(o.sessionIdParameter()).isEmpty();
        assertThat(s.jettyOptions().permessageDeflate()).isTrue();
    }

    @Test
    void aBadValueNamesItsSource() throws Exception {
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("WSHUB_PORT", "eighty"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("WSHUB_PORT: expected a whole number, was 'eighty'");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of(), Map.of(Setting.WRITE_TIMEOUT, "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--write-timeout: expected a duration such as 10s, 500ms, 2m or PT10S, was 'soon'");
        Path file = yaml("maxQueuedBytes: 4 MB\n");
        assertThatThrownBy(() -> SettingsLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": maxQueuedBytes: expected a size in bytes such as 524288, 512KiB or 4MiB, was '4 MB'");
    }

    @Test
    void anUnknownKeyOrABrokenFileIsRefused() throws Exception {
        Path typo = yaml("prot: 9000\n");
        assertThatThrownBy(() -> SettingsLoader.load(typo, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(typo + ": unknown setting 'prot'; known settings: host, port,");
        Path broken = yaml("port: [9000\n");
        assertThatThrownBy(() -> SettingsLoader.load(broken, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(broken + ": not valid YAML");
        assertThatThrownBy(() -> SettingsLoader.load(dir.resolve("missing.yaml"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage(dir.resolve("missing.yaml") + ": no such file");
    }

    @Test
    void settingsThatContradictEachOtherAreRefused() {
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("WSHUB_PING_INTERVAL", "90s"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid settings: pongTimeout (PT1M) must be longer than pingInterval (PT1M30S)");
        assertThatThrownBy(() -> SettingsLoader.load(null, Map.of("WSHUB_ALLOWED_ORIGINS", "not an origin"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid settings: allowed origin must look like https://host[:port], was 'not an origin'");
    }

    @Test
    void theCommandLineReportsABadFlagWithExitCode2() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(Map.of());
        cli.getSubcommands().values().forEach(sub -> sub.setErr(new PrintWriter(err)));
        cli.setErr(new PrintWriter(err));

        int code = cli.execute(Main.withDefaultCommand(new String[] {"--port", "x"}));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("wshub-examples room: --port: expected a whole number, was 'x'");
    }

    @Test
    void withoutACommandTheArgumentsGoToTheRoomServer() {
        assertThat(Main.withDefaultCommand(new String[0])).containsExactly("room");
        assertThat(Main.withDefaultCommand(new String[] {"--port", "1"})).containsExactly("room", "--port", "1");
        assertThat(Main.withDefaultCommand(new String[] {"echo", "--port", "1"})).containsExactly("echo", "--port", "1");
        assertThat(Main.withDefaultCommand(new String[] {"--help"})).containsExactly("--help");
    }
}
