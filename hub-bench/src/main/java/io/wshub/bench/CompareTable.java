package io.wshub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The table {@code compare.sh} ends with: for each scenario and chosen figure, wshub's value, the
 * raw-Jetty floor's, and their ratio. A value is the median over the rounds (robust to one round
 * disturbed by other work on the machine; with two rounds, their mean), with each round's value
 * beside it.
 *
 * <p>Reads the load tool's {@code --json} reports named {@code SCENARIO.SERVER.ROUND.json}
 * (SERVER is {@code wshub} or {@code raw}) from one directory.
 *
 * <pre>{@code java -jar wshub-bench.jar compare-table DIR echo:roundTripsPerSecond,latencyP99Ms fanout:...}</pre>
 */
public final class CompareTable {

    /** Its arguments, as the usage lines show them. */
    static final String ARGUMENTS = "DIR SCENARIO:FIGURE[,FIGURE...] ...";

    private static final Pattern REPORT_NAME = Pattern.compile("(.+)\\.(wshub|raw)\\.(\\d+)\\.json");

    /** One scenario's reports: figure name to the values of each round, per server. */
    private final Map<String, Map<String, List<JsonNode>>> reports = new LinkedHashMap<>();

    private CompareTable() {
    }

    /** Prints the table for the reports in {@code args[0]}, figures chosen per scenario by the other arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: java -jar wshub-bench.jar " + BenchMain.COMPARE_TABLE + " " + ARGUMENTS);
            System.exit(2);
        }
        Map<String, List<String>> figures = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] parts = args[i].split(":", 2);
            if (parts.length != 2 || parts[1].isEmpty()) {
                System.err.println("not SCENARIO:FIGURE[,FIGURE...]: " + args[i]);
                System.exit(2);
            }
            figures.put(parts[0], List.of(parts[1].split(",")));
        }
        System.out.print(read(Path.of(args[0])).render(figures));
    }

    /** Reads every report in the directory. */
    static CompareTable read(Path dir) throws IOException {
        CompareTable table = new CompareTable();
        ObjectMapper json = new ObjectMapper();
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.sorted().toList();
        }
        for (Path file : files) {
            Matcher name = REPORT_NAME.matcher(file.getFileName().toString());
            if (name.matches() && Files.size(file) > 0) {
                table.reports.computeIfAbsent(name.group(1), s -> new LinkedHashMap<>())
                        .computeIfAbsent(name.group(2), s -> new ArrayList<>())
                        .add(json.readTree(file.toFile()));
            }
        }
        return table;
    }

    /** The table, scenarios in the order given. */
    String render(Map<String, List<String>> figures) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"scenario", "figure", "wshub", "raw Jetty", "wshub/raw"});
        for (Map.Entry<String, List<String>> scenario : figures.entrySet()) {
            Map<String, List<JsonNode>> byServer = reports.getOrDefault(scenario.getKey(), Map.of());
            for (String figure : scenario.getValue()) {
                Cell wshub = Cell.of(byServer.getOrDefault("wshub", List.of()), figure);
                Cell raw = Cell.of(byServer.getOrDefault("raw", List.of()), figure);
                rows.add(new String[] {scenario.getKey(), figure, wshub.text(), raw.text(), ratio(wshub, raw)});
            }
        }
        return align(rows);
    }

    private static String ratio(Cell wshub, Cell raw) {
        if (wshub.median() == null || raw.median() == null) {
            return "n/a";
        }
        if (raw.median() == 0) {
            return wshub.median() == 0 ? "=" : "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", wshub.median() / raw.median());
    }

    private static String align(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i < 2 ? String.format("%-" + widths[i] + "s", row[i])
                        : String.format("%" + widths[i] + "s", row[i]));
                line.append(i < row.length - 1 ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** One server's value of one figure: the median over the rounds and each round's value. */
    private record Cell(Double median, List<Double> values) {

        static Cell of(List<JsonNode> rounds, String figure) {
            List<Double> values = new ArrayList<>();
            for (JsonNode report : rounds) {
                JsonNode value = report.get(figure);
                if (value != null && value.isNumber()) {
                    values.add(value.asDouble());
                }
            }
            return new Cell(median(values), values);
        }

        private static Double median(List<Double> values) {
            if (values.isEmpty()) {
                return null;
            }
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int middle = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }

        String text() {
            if (median == null) {
                return "n/a";
            }
            boolean whole = median == Math.rint(median) && values.stream().allMatch(v -> v == Math.rint(v));
            StringBuilder s = new StringBuilder(number(median, whole));
            if (values.size() > 1) {
                s.append(" (");
                for (int i = 0; i < values.size(); i++) {
                    s.append(i == 0 ? "" : " ").append(number(values.get(i), whole));
                }
                s.append(')');
            }
            return s.toString();
        }

        /** Whole numbers as such; others with fewer decimals the larger they are. */
        private static String number(double v, boolean whole) {
            double magnitude = Math.abs(v);
            return whole || magnitude >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                    : magnitude >= 1 ? String.format(Locale.ROOT, "%.2f", v)
                    : String.format(Locale.ROOT, "%.3f", v);
        }
    }
}
