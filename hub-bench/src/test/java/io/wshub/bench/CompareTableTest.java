package io.wshub.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CompareTableTest {

    @TempDir
    Path dir;

    private void report(String name, String json) throws Exception {
        Files.writeString(dir.resolve(name), json);
    }

    @Test
    void eachFigureShowsBothServersMedianOverTheRoundsTheRoundsAndTheRatio() throws Exception {
        report("echo.wshub.1.json", "{\"roundTripsPerSecond\":30000,\"latencyP99Ms\":2.5}");
        report("echo.wshub.2.json", "{\"roundTripsPerSecond\":32000,\"latencyP99Ms\":3.5}");
        report("echo.raw.1.json", "{\"roundTripsPerSecond\":10000,\"latencyP99Ms\":6.0}");
        report("echo.raw.2.json", "{\"roundTripsPerSecond\":10000,\"latencyP99Ms\":6.0}");
        Map<String, List<String>> figures = new LinkedHashMap<>();
        figures.put("echo", List.of("roundTripsPerSecond", "latencyP99Ms"));

        String table = CompareTable.read(dir).render(figures);

        assertThat(table.lines()).containsExactly(
                "scenario  figure                             wshub            raw Jetty  wshub/raw",
                "echo      roundTripsPerSecond  31000 (30000 32000)  10000 (10000 10000)       3.10",
                "echo      latencyP99Ms            3.00 (2.50 3.50)              6 (6 6)       0.50");
    }

    @Test
    void theMedianOfThreeRoundsIgnoresOneDisturbedRound() throws Exception {
        report("echo.wshub.1.json", "{\"roundTripsPerSecond\":30000}");
        report("echo.wshub.2.json", "{\"roundTripsPerSecond\":5000}");
        report("echo.wshub.3.json", "{\"roundTripsPerSecond\":31000}");
        report("echo.raw.1.json", "{\"roundTripsPerSecond\":20000}");
        report("echo.raw.2.json", "{\"roundTripsPerSecond\":20000}");
        report("echo.raw.3.json", "{\"roundTripsPerSecond\":20000}");

        String table = CompareTable.read(dir).render(Map.of("echo", List.of("roundTripsPerSecond")));

        assertThat(table.lines().toList().get(1))
                .isEqualTo("echo      roundTripsPerSecond  30000 (30000 5000 31000)  20000 (20000 20000 20000)       1.50");
    }

    @Test
    void aMissingServerOrFigureShowsNotAvailableAndNoRatio() throws Exception {
        report("idle.raw.1.json", "{\"serverRssPerConnectionKiB\":19.3,\"serverHeapPerConnectionKiB\":null}");
        Map<String, List<String>> figures = new LinkedHashMap<>();
        figures.put("idle", List.of("serverRssPerConnectionKiB", "serverHeapPerConnectionKiB"));

        String table = CompareTable.read(dir).render(figures);

        assertThat(table.lines()).containsExactly(
                "scenario  figure                      wshub  raw Jetty  wshub/raw",
                "idle      serverRssPerConnectionKiB     n/a      19.30        n/a",
                "idle      serverHeapPerConnectionKiB    n/a        n/a        n/a");
    }

    @Test
    void zeroAgainstZeroIsShownAsEqual() throws Exception {
        report("fanout.wshub.1.json", "{\"lost\":0}");
        report("fanout.raw.1.json", "{\"lost\":0}");

        String table = CompareTable.read(dir).render(Map.of("fanout", List.of("lost")));

        assertThat(table.lines().toList().get(1)).endsWith("=");
    }

    @Test
    void filesThatAreNotReportsAreIgnored() throws Exception {
        report("echo.raw.1.json", "{\"lost\":1}");
        report("server.raw.1.log", "not json");
        report("echo.raw.2.json", "");

        String table = CompareTable.read(dir).render(Map.of("echo", List.of("lost")));

        assertThat(table.lines().toList().get(1)).contains(" 1 ");
    }
}
