package io.wshub;

import io.wshub.spi.RefLedger;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@link InMemoryDeliveryStore}'s ledger: the latest refs in the order they were handled. */
final class MemoryLedger implements RefLedger {

    private final int window;
    /** Guarded by "this"; made on the first ref, as most sessions send none. */
    private LinkedHashMap<String, Long> refs;

    MemoryLedger(int window) {
        this.window = window;
    }

    @Override
    public synchronized long lookup(String ref) {
        Long seq = refs == null ? null : refs.get(ref);
        return seq == null ? NOT_HANDLED : seq;
    }

    @Override
    public synchronized void remember(String ref, long seq) {
        if (refs == null) {
            refs = new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > window;
                }
            };
        }
        refs.put(ref, seq);
    }

    @Override
    public synchronized int size() {
        return refs == null ? 0 : refs.size();
    }

    @Override
    public synchronized void discard() {
        refs = null;
    }
}
