package io.wshub.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The argument checks hub-core's options and builders share, so that every refusal reads the same.
 * Not part of the API: public only because the options live in other packages of hub-core.
 */
public final class Checks {

    private Checks() {
    }

    /** @throws IllegalArgumentException naming {@code field} when {@code value} is not above 0 */
    public static void positive(String field, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, was " + value);
        }
    }

    /**
     * @throws NullPointerException     naming {@code field} when {@code value} is null
     * @throws IllegalArgumentException naming {@code field} when {@code value} is zero or negative
     */
    public static void positive(String field, Duration value) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
    }
}
