package io.wshub.bench.loadtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A scenario's results in order: printed as a table for people, or as one JSON object (the
 * same keys) for scripts such as {@code hub-bench/compare.sh}. An unknown value is {@code n/a}
 * in the table and {@code null} in JSON.
 */
final class Report {

    private record Row(String key, String label, Object value) {
    }

    private final String title;
    private final List<Row> rows = new ArrayList<>();

    private Report(String title) {
        this.title = title;
    }

    /** A report of one scenario against one target: its first rows say which. */
    static Report of(String scenario, Target target) {
        String url = target.uri().toString();
        return new Report("loadtest " + scenario + "  " + url).add("scenario", "scenario", scenario).add("url", "url", url);
    }

    /** A text or whole-number value. */
    Report add(String key, String label, Object value) {
        rows.add(new Row(key, label, value));
        return this;
    }

    /** A decimal value, shown with {@code decimals} places. */
    Report add(String key, String label, double value, int decimals) {
        rows.add(new Row(key, label, new Decimal(value, decimals)));
        return this;
    }

    /** A decimal value that may be unknown. */
    Report add(String key, String label, OptionalDouble value, int decimals) {
        rows.add(new Row(key, label, value.isPresent() ? new Decimal(value.getAsDouble(), decimals) : null));
        return this;
    }

    /** A whole number that may be unknown. */
    Report add(String key, String label, OptionalLong value) {
        rows.add(new Row(key, label, value.isPresent() ? value.getAsLong() : null));
        return this;
    }

    /** Latency rows in milliseconds under the prefix ({@code latencyP50Ms}, …). */
    Report latency(String prefix, String label, Percentiles p) {
        add(prefix + "Count", label + " samples", p.count());
        add(prefix + "P50Ms", label + " p50 (ms)", Percentiles.millis(p.p50()), 3);
        add(prefix + "P90Ms", label + " p90 (ms)", Percentiles.millis(p.p90()), 3);
        add(prefix + "P99Ms", label + " p99 (ms)", Percentiles.millis(p.p99()), 3);
        add(prefix + "P999Ms", label + " p99.9 (ms)", Percentiles.millis(p.p999()), 3);
        add(prefix + "MaxMs", label + " max (ms)", Percentiles.millis(p.max()), 3);
        return this;
    }

    /** The table: a title line, then one aligned row per value. */
    String table() {
        int width = rows.stream().mapToInt(r -> r.label().length()).max().orElse(0);
        StringBuilder out = new StringBuilder(title).append('\n');
        for (Row row : rows) {
            out.append("  ").append(String.format(Locale.ROOT, "%-" + width + "s", row.label()))
                    .append("  ").append(row.value() == null ? "n/a" : row.value().toString()).append('\n');
        }
        return out.toString();
    }

    /** One JSON object, keys in order. */
    String json() {
        Map<String, Object> object = new LinkedHashMap<>();
        for (Row row : rows) {
            object.put(row.key(), row.value() instanceof Decimal d ? d.rounded() : row.value());
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    /** Value lookup by key, for tests and callers that post-process. */
    Object value(String key) {
        for (Row row : rows) {
            if (row.key().equals(key)) {
                return row.value() instanceof Decimal d ? d.rounded() : row.value();
            }
        }
        throw new IllegalArgumentException("no row " + key);
    }

    private record Decimal(double value, int decimals) {
        double rounded() {
            double scale = Math.pow(10, decimals);
            return Math.round(value * scale) / scale;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,." + decimals + "f", value);
        }
    }
}
