package io.wshub.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.wshub.spi.Broker.BreakerCall;
import io.wshub.spi.Broker.BreakerState;

import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One circuit breaker of the broker: a gauge per state (1 for the state it is in, 0 for the others,
 * so {@code wshub_broker_breaker_state{state="open"} == 1} is the alert) and its calls by outcome.
 * Made on the breaker's first report; a broker has a handful of breakers, named in code.
 */
final class BreakerMeters {

    static final String STATE = "wshub.broker.breaker.state";
    static final String CALLS = "wshub.broker.breaker.calls";

    /** Written on the thread that reported a change, read when scraped. */
    private final AtomicReference<BreakerState> state = new AtomicReference<>(BreakerState.CLOSED);
    private final EnumMap<BreakerCall, Counter> calls;

    BreakerMeters(MeterRegistry registry, Tags path, String breaker) {
        Tags tags = path.and("breaker", breaker);
        Labels.each(BreakerState.class, (s, label) -> Gauge.builder(STATE, state, current -> current.get() == s ? 1 : 0)
                .description("1 for the state the broker's circuit breaker is in (closed, open, half_open), 0 for the others")
                .tags(tags).tag("state", label)
                .strongReference(true)
                .register(registry));
        calls = Labels.each(BreakerCall.class, (outcome, label) -> Counter.builder(CALLS)
                .description("Calls through the broker's circuit breaker, by outcome")
                .tags(tags).tag("outcome", label)
                .register(registry));
    }

    void state(BreakerState s) {
        state.set(s);
    }

    void call(BreakerCall outcome) {
        calls.get(outcome).increment();
    }
}
