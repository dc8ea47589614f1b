package io.wshub.micrometer;

import java.util.EnumMap;
import java.util.Locale;
import java.util.function.BiFunction;

/** Label values made once, so that no event builds a string or looks a meter up by its tags. */
final class Labels {

    static final String PATH = "path";
    static final String OTHER = "other";

    private Labels() {
    }

    /** An enum constant's label value: {@code DROP_NEWEST} is {@code drop_newest}. */
    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** One meter per constant, made now, each given the constant and its label value. */
    static <E extends Enum<E>, M> EnumMap<E, M> each(Class<E> type, BiFunction<E, String, M> meter) {
        EnumMap<E, M> meters = new EnumMap<>(type);
        for (E constant : type.getEnumConstants()) {
            meters.put(constant, meter.apply(constant, of(constant)));
        }
        return meters;
    }
}
