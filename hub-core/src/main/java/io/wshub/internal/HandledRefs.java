package io.wshub.internal;

import io.wshub.spi.DeliveryStore;
import io.wshub.spi.RefLedger;

import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A session's refs of handled messages, over the store's {@link RefLedger}: made on the first ref
 * the session's messages carry (most send none), counted in the hub's totals, discarded with the
 * session. Lookups that find a ref count as duplicates.
 */
final class HandledRefs {

    private final DeliveryStore store;
    private final String sessionId;
    private final int window;
    private final LongAdder totalRefs;
    private final LongAdder duplicates;
    /** Made on first use, under "this"; read without it. */
    private volatile RefLedger ledger;

    HandledRefs(DeliveryStore store, String sessionId, int window, LongAdder totalRefs, LongAdder duplicates) {
        this.store = store;
        this.sessionId = sessionId;
        this.window = window;
        this.totalRefs = totalRefs;
        this.duplicates = duplicates;
    }

    OptionalLong lookup(String ref) {
        if (window == 0) {
            return OptionalLong.empty();
        }
        long seq = ledger().lookup(ref);
        if (seq == RefLedger.NOT_HANDLED) {
            return OptionalLong.empty();
        }
        duplicates.increment();
        return OptionalLong.of(seq);
    }

    void remember(String ref, long seq) {
        if (window == 0) {
            return;
        }
        RefLedger l = ledger();
        int before = l.size();
        l.remember(ref, seq);
        totalRefs.add(l.size() - before);
    }

    /**
     * Made on the first lookup, not the first remember: a store's ledger may start with refs (those
     * of a session taken over from another node), counted in the totals as they come.
     */
    private RefLedger ledger() {
        RefLedger l = ledger;
        if (l == null) {
            synchronized (this) {
                l = ledger;
                if (l == null) {
                    l = store.refs(sessionId, window);
                    totalRefs.add(l.size());
                    ledger = l;
                }
            }
        }
        return l;
    }

    void discard() {
        RefLedger l;
        synchronized (this) {
            l = ledger;
            ledger = null;
        }
        if (l != null) {
            totalRefs.add(-l.size());
            l.discard();
        }
    }
}
