package io.wshub.bench.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads the server's used heap from its {@code /health} JSON, for when the load tool is not given
 * the server's pid. Servers name the figure differently, so the first number found under a name
 * like {@code heapUsed}, {@code heapUsedBytes} or {@code heap: {used: …}} is taken. Never throws:
 * an unreachable server or an unknown shape gives an empty result.
 */
final class HealthProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(2); // a healthy server answers in milliseconds

    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();

    HealthProbe(URI uri) {
        this.uri = uri;
    }

    /** The used heap in bytes, when the server reports it. */
    OptionalLong heapUsedBytes() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return heapUsed(json.readTree(response.body()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        } catch (Exception e) {
            return OptionalLong.empty();
        }
    }

    /** Finds the used-heap figure anywhere in a health document. */
    static OptionalLong heapUsed(JsonNode node) {
        if (node == null || !node.isObject()) {
            return OptionalLong.empty();
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey().toLowerCase(Locale.ROOT);
            JsonNode value = field.getValue();
            if (value.isNumber() && (name.equals("heapused") || name.equals("heapusedbytes") || name.equals("usedheapbytes"))) {
                return OptionalLong.of(value.asLong());
            }
            if (value.isObject() && name.equals("heap")) {
                JsonNode used = value.has("used") ? value.get("used") : value.get("usedBytes");
                if (used != null && used.isNumber()) {
                    return OptionalLong.of(used.asLong());
                }
            }
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            OptionalLong found = heapUsed(it.next());
            if (found.isPresent()) {
                return found;
            }
        }
        return OptionalLong.empty();
    }
}
