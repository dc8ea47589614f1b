package io.wshub.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Resolves the settings in layers, each overriding the one before: the defaults, then the YAML file,
 * then the environment variables, then the command-line flags. Every value is checked where it is
 * read, and an error names its source ({@code config.yaml: port}, {@code WSHUB_PORT},
 * {@code --port}).
 */
final class SettingsLoader {

    /** The environment variable that names the YAML file when {@code --config} does not. */
    static final String CONFIG_ENV = "WSHUB_CONFIG";

    private static final YAMLMapper YAML = new YAMLMapper();

    private SettingsLoader() {
    }

    /**
     * @param configFile the YAML file from {@code --config}, or null to use {@code WSHUB_CONFIG} if set
     * @param env        the environment
     * @param flags      the flags given on the command line, as written
     */
    static Settings load(Path configFile, Map<String, String> env, Map<Setting, String> flags) {
        EnumMap<Setting, Object> values = new EnumMap<>(Setting.class);
        EnumMap<Setting, Settings.Given> given = new EnumMap<>(Setting.class);
        Path file = configFile != null ? configFile
                : env.containsKey(CONFIG_ENV) && !env.get(CONFIG_ENV).isBlank() ? Path.of(env.get(CONFIG_ENV)) : null;
        if (file != null) {
            fromYaml(file, values, given);
        }
        for (Setting s : Setting.values()) {
            String v = env.get(s.env);
            if (v != null) {
                values.put(s, s.parse(v, s.env));
                given.put(s, new Settings.Given(s.env, v));
            }
        }
        flags.forEach((s, v) -> {
            values.put(s, s.parse(v, s.flag));
            given.put(s, new Settings.Given(s.flag, v));
        });
        return Settings.with(values, given);
    }

    /**
     * Puts the settings the YAML file sets into {@code values}, and what it wrote of each into
     * {@code given}; nested maps and dotted keys both work ({@code rateLimit.burst}).
     */
    private static void fromYaml(Path file, Map<Setting, Object> values, Map<Setting, Settings.Given> given) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return; // an empty file
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": expected a map of settings (key: value)");
        }
        collect(file, "", root, values, given);
    }

    private static void collect(Path file, String prefix, JsonNode node, Map<Setting, Object> values,
                                Map<Setting, Settings.Given> given) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            Setting s = Setting.byKey(key);
            if (s == null && value.isObject()) {
                collect(file, key + ".", value, values, given);
                continue;
            }
            if (s == null) {
                throw new ConfigException(file + ": unknown setting '" + key + "'; known settings: " + knownKeys());
            }
            String written = scalar(file, key, value);
            values.put(s, s.parse(written, file + ": " + key));
            given.put(s, new Settings.Given(file.toString(), written));
        }
    }

    /**
     * A YAML value as the text the parsers read: lists are joined with commas, maps (a setting's
     * rules, such as {@code rooms:}) as {@code key=value} joined with commas, null is empty.
     */
    private static String scalar(Path file, String key, JsonNode value) {
        if (value.isNull()) {
            return "";
        }
        if (value.isObject()) {
            List<String> entries = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!entry.getValue().isValueNode()) {
                    throw new ConfigException(file + ": " + key + "." + entry.getKey() + ": expected a plain value");
                }
                entries.add(entry.getKey() + "=" + entry.getValue().asText());
            }
            return String.join(",", entries);
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isValueNode()) {
                    throw new ConfigException(file + ": " + key + ": expected a list of plain values");
                }
                items.add(item.asText());
            }
            return String.join(",", items);
        }
        if (!value.isValueNode()) {
            throw new ConfigException(file + ": " + key + ": expected a plain value");
        }
        return value.asText();
    }

    private static String knownKeys() {
        return Arrays.stream(Setting.values()).map(s -> s.key).collect(Collectors.joining(", "));
    }
}
