package io.wshub.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus's text exposition format (version 0.0.4): every line must be a
 * comment, a {@code # HELP}/{@code # TYPE} line or a sample, or reading fails naming the line.
 */
record PrometheusText(List<Sample> samples) {

    /** One sample: a metric name, its labels and its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(.*)})? (\\S+)(?: -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final Pattern TYPE = Pattern.compile("# TYPE " + NAME + " (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP " + NAME + "( .*)?");

    /** @throws IllegalArgumentException naming the first line that is not in the format */
    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || HELP.matcher(line).matches() || TYPE.matcher(line).matches()) {
                continue;
            }
            if (line.startsWith("# TYPE") || line.startsWith("# HELP")) {
                throw new IllegalArgumentException("malformed " + line.substring(2, 6) + " line: " + line);
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample: " + line);
            }
            samples.add(new Sample(m.group(1), labels(m.group(2), line), value(m.group(3), line)));
        }
        return new PrometheusText(samples);
    }

    private static Map<String, String> labels(String text, String line) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null) {
            return labels;
        }
        Matcher m = LABEL.matcher(text);
        int end = 0;
        while (m.find() && m.start() == end) {
            labels.put(m.group(1), m.group(2));
            end = m.end();
        }
        if (end != text.length()) {
            throw new IllegalArgumentException("malformed labels: " + line);
        }
        return labels;
    }

    private static double value(String text, String line) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number: " + line);
                }
            }
        };
    }

    /**
     * The sum of the samples of this name whose labels include these ({@code "path", "/ws", …});
     * 0 when none matches.
     */
    double sum(String name, String... labels) {
        double sum = 0;
        for (Sample s : samples) {
            if (s.name.equals(name) && hasLabels(s, labels)) {
                sum += s.value;
            }
        }
        return sum;
    }

    /** Whether a sample of this name exists. */
    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name.equals(name));
    }

    private static boolean hasLabels(Sample s, String[] labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels.get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
