package io.wshub.examples;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md lists every setting with its YAML key, variable, flag and default, in one row. */
class ConfigurationDocTest {

    @Test
    void everySettingHasItsRowInTheConfigurationDoc() throws Exception {
        List<String> rows = Files.readAllLines(Path.of("../docs/configuration.md")).stream()
                .filter(line -> line.startsWith("|")).toList();
        for (Setting s : Setting.values()) {
            String defaultText = s.defaultValue.isEmpty() ? "| none |" : "| `" + s.defaultValue + "` |";
            assertThat(rows).as("a row for %s", s.key).anySatisfy(row -> assertThat(row)
                    .contains("| `" + s.key + "` |", "| `" + s.env + "` |", "| `" + s.flag + "` |")
                    .endsWith(defaultText));
        }
    }
}
