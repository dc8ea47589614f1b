package io.wshub.examples;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The example servers' logging on logback: the level, text or JSON lines, and a banner that always shows. */
class LoggingTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private LoggerContext configured(String level, String format) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what slf4j gives the context it makes
        Logging.apply(context, level, format, out);
        return context;
    }

    private List<String> lines() {
        String all = out.toString(StandardCharsets.UTF_8);
        return all.isEmpty() ? List.of() : List.of(all.split("\\R"));
    }

    @Test
    void atWarnTheBannerStillSaysWhereTheServerListensAndNothingElseBelowWarnShows() {
        LoggerContext context = configured("warn", "text");
        Logger hub = context.getLogger("io.wshub.internal.DefaultHub");

        context.getLogger(Logging.BANNER).info("the room server listening on port {}", 8080);
        hub.info("session alice ended");
        hub.warn("broker failed to stop");

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Banner - the room server listening on port 8080");
        assertThat(lines().get(1)).endsWith("WARN  DefaultHub - broker failed to stop");
    }

    @Test
    void debugShowsTheHubsDebugLinesButNotJettys() {
        LoggerContext context = configured("debug", "text");

        context.getLogger("io.wshub.internal.DefaultHub").debug("session bob ended: 1000");
        context.getLogger("org.eclipse.jetty.io.ManagedSelector").debug("selector woke up");
        context.getLogger("org.eclipse.jetty.server.Server").warn("jetty trouble");

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).endsWith("DEBUG DefaultHub - session bob ended: 1000");
        assertThat(lines().get(1)).endsWith("WARN  Server - jetty trouble");
    }

    @Test
    void jsonIsOneObjectPerLineWithTheFormattedMessage() throws Exception {
        LoggerContext context = configured("info", "json");

        context.getLogger("io.wshub.internal.DefaultHub").info("refused an upgrade from {}: {} {}", "/127.0.0.1:5000", 401, "Unauthorized");
        context.getLogger("io.wshub.internal.DefaultHub").error("it broke", new IllegalStateException("boom"));

        List<JsonNode> events = new ArrayList<>();
        JsonMapper json = JsonMapper.builder().build();
        for (String line : lines()) {
            events.add(json.readTree(line));
        }
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("level").asText()).isEqualTo("INFO");
        assertThat(events.get(0).get("loggerName").asText()).isEqualTo("io.wshub.internal.DefaultHub");
        assertThat(events.get(0).get("formattedMessage").asText()).isEqualTo("refused an upgrade from /127.0.0.1:5000: 401 Unauthorized");
        assertThat(events.get(0).has("timestamp")).isTrue();
        assertThat(events.get(1).get("throwable").toString()).contains("IllegalStateException", "boom");
    }
}
