package io.wshub.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Collections that keep only their newest entries, for what the room client remembers of a server that may never answer. */
final class Newest {

    private Newest() {
    }

    /** A map that drops its oldest entry (by insertion) when it holds more than {@code max}. */
    static <K, V> Map<K, V> map(int max) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    /** A set that drops its oldest element (by insertion) when it holds more than {@code max}. */
    static <E> Set<E> set(int max) {
        return Collections.newSetFromMap(map(max));
    }
}
