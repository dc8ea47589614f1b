package io.wshub.opentelemetry;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.util.Map;

/** A propagator's fields as the broker carries them between nodes: a map of names to values. */
enum TextFields implements TextMapGetter<Map<String, String>>, TextMapSetter<Map<String, String>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, String> fields) {
        return fields.keySet();
    }

    @Override
    public String get(Map<String, String> fields, String name) {
        return fields == null ? null : fields.get(name);
    }

    @Override
    public void set(Map<String, String> fields, String name, String value) {
        if (fields != null) {
            fields.put(name, value);
        }
    }
}
