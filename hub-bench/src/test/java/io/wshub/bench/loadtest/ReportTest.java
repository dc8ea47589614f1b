package io.wshub.bench.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    private Report sample() {
        return Report.of("echo", Target.parse("ws://127.0.0.1:18080", "/echo"))
                .add("connections", "connections", 50)
                .add("roundTripsPerSecond", "round trips/s", 12345.678, 0)
                .add("serverCpuMsPer1000", "server CPU-ms per 1000 round trips", OptionalDouble.empty(), 3)
                .add("serverRssMiB", "server RSS", OptionalLong.of(7));
    }

    @Test
    void theTableHasATitleAndOneAlignedRowPerValueWithUnknownsAsNa() {
        String table = sample().table();

        assertThat(table.lines()).containsExactly(
                "loadtest echo  ws://127.0.0.1:18080/echo",
                "  scenario                            echo",
                "  url                                 ws://127.0.0.1:18080/echo",
                "  connections                         50",
                "  round trips/s                       12,346",
                "  server CPU-ms per 1000 round trips  n/a",
                "  server RSS                          7");
    }

    @Test
    void theJsonHasTheSameValuesUnderTheirKeysWithUnknownsAsNull() throws Exception {
        JsonNode json = new ObjectMapper().readTree(sample().json());

        assertThat(json.get("scenario").asText()).isEqualTo("echo");
        assertThat(json.get("connections").asInt()).isEqualTo(50);
        assertThat(json.get("roundTripsPerSecond").asDouble()).isEqualTo(12346.0);
        assertThat(json.get("serverCpuMsPer1000").isNull()).isTrue();
        assertThat(json.get("serverRssMiB").asLong()).isEqualTo(7);
    }

    @Test
    void latencyRowsAreInMilliseconds() {
        Report report = Report.of("echo", Target.parse("ws://127.0.0.1:1", "/echo"))
                .latency("latency", "round trip", new Percentiles(10, 1_500_000, 2_000_000, 3_000_000, 4_000_000, 9_000_000));

        assertThat(report.value("latencyCount")).isEqualTo(10L);
        assertThat(report.value("latencyP50Ms")).isEqualTo(1.5);
        assertThat(report.value("latencyP99Ms")).isEqualTo(3.0);
        assertThat(report.value("latencyMaxMs")).isEqualTo(9.0);
    }
}
