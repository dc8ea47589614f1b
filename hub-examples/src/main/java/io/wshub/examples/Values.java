package io.wshub.examples;

import io.wshub.DeliveryPolicies;
import io.wshub.DeliveryPolicy;
import io.wshub.OverflowPolicy;
import io.wshub.TrustedProxies;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses setting values written by people: durations such as {@code 10s}, {@code 500ms},
 * {@code 2m} or {@code PT10S}; byte sizes such as {@code 524288}, {@code 512KiB} or {@code 4MiB};
 * numbers, booleans, enums and comma-separated lists. Errors say what was expected.
 */
final class Values {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|mib|gib)?");

    /** What {@link #optionalPort} returns for a blank value. */
    static final int NO_PORT = -1;
    /** A size the hub derives when none is given. */
    static final long DERIVED = -1;
    private static final Pattern ROOM_PATTERN = Pattern.compile("[A-Za-z0-9_.:*-]{1,128}");

    private Values() {
    }

    static Duration duration(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            long n = number(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
        try {
            return Duration.parse(s.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected a duration such as 10s, 500ms, 2m or PT10S");
        }
    }

    static long bytes(String s) {
        Matcher m = SIZE.matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size in bytes such as 524288, 512KiB or 4MiB");
        }
        long n = number(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long factor = switch (unit) {
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(n, factor);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size too large");
        }
    }

    private static long number(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number too large");
        }
    }

    static int intSize(String s) {
        long n = bytes(s);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("expected at most " + Integer.MAX_VALUE + " bytes");
        }
        return (int) n;
    }

    static int integer(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number");
        }
    }

    static double decimal(String s) {
        try {
            double d = Double.parseDouble(s.trim());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number");
        }
    }

    static int port(String s) {
        int p = integer(s);
        if (p < 0 || p > 65_535) {
            throw new IllegalArgumentException("expected a port from 0 to 65535 (0 picks a free one)");
        }
        return p;
    }

    /** A port, or {@link #NO_PORT} when blank. */
    static int optionalPort(String s) {
        return s.isBlank() ? NO_PORT : port(s);
    }

    /** An absolute URL path without query: {@code /metrics}. */
    static String path(String s) {
        String v = s.trim();
        if (!v.startsWith("/") || v.contains("?") || v.contains("#") || v.contains(" ")) {
            throw new IllegalArgumentException("expected a path such as /metrics");
        }
        return v;
    }

    /** A path as {@link #path} reads it, or empty for none. */
    static String optionalPath(String s) {
        return s.isBlank() ? "" : path(s);
    }

    static boolean bool(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    static OverflowPolicy overflowPolicy(String s) {
        String v = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return OverflowPolicy.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected one of disconnect, drop_newest, drop_oldest");
        }
    }

    static String logFormat(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (!List.of("text", "json").contains(v)) {
            throw new IllegalArgumentException("expected text or json");
        }
        return v;
    }

    static String logLevel(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (!List.of("trace", "debug", "info", "warn", "error", "off").contains(v)) {
            throw new IllegalArgumentException("expected one of trace, debug, info, warn, error, off");
        }
        return v;
    }

    /** A comma-separated list of IP addresses and CIDR ranges ({@code 10.0.0.0/8, fd00::/8}), each checked. */
    static List<String> trustedProxies(String s) {
        List<String> proxies = list(s);
        TrustedProxies.of(TrustedProxies.Header.X_FORWARDED_FOR, proxies); // throws naming the first bad one
        return proxies;
    }

    static TrustedProxies.Header forwardedHeader(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "x-forwarded-for" -> TrustedProxies.Header.X_FORWARDED_FOR;
            case "forwarded" -> TrustedProxies.Header.FORWARDED;
            default -> throw new IllegalArgumentException("expected x-forwarded-for or forwarded");
        };
    }

    /** Byte sizes as {@link #bytes}, or {@link #DERIVED} when blank (the hub derives the value). */
    static long optionalBytes(String s) {
        return s.isBlank() ? DERIVED : bytes(s);
    }

    /**
     * Room policies as {@code PATTERN=POLICY}, comma-separated: a pattern is 1-128 of the room
     * name's characters and {@code *}; a policy is what {@link DeliveryPolicy#parse} reads.
     */
    static DeliveryPolicies roomPolicies(String s) {
        DeliveryPolicies rules = DeliveryPolicies.NONE;
        for (String rule : list(s)) {
            int eq = rule.indexOf('=');
            String pattern = eq < 0 ? "" : rule.substring(0, eq).trim();
            if (!ROOM_PATTERN.matcher(pattern).matches()) {
                throw new IllegalArgumentException("expected PATTERN=POLICY (a pattern of 1-128 of [A-Za-z0-9_.:-*]), got '"
                        + rule + "'");
            }
            rules = rules.withRoom(pattern, DeliveryPolicy.parse(rule.substring(eq + 1)));
        }
        return rules;
    }

    /** A comma-separated list; blanks around items are ignored, empty items dropped. */
    static List<String> list(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }
}
