package io.wshub.redis;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.wshub.HealthCheck;
import io.wshub.spi.Broker.BreakerCall;
import io.wshub.spi.Broker.BreakerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's circuit breaker (Resilience4j's) around the Redis calls that something waits for: a
 * client's upgrade for its id claim, a history read, a resume look-up. Every such call goes through
 * {@link #call}; after too many failures or slow calls in its window it opens, and while open those
 * calls fail at once with {@link CallNotPermittedException} instead of each waiting up to the
 * command timeout. After its open duration, {@link #probe} sends probes of the node's own (a
 * {@code PING}) through it, so that it closes again by itself once Redis answers, client traffic or
 * not. Publications never go through it: they wait on nothing and fail fast by themselves.
 *
 * <p>Each state change is logged once and reported with every call's outcome to the
 * {@link Reporter} (the hub's metrics). Thread-safe: calls come from upgrade threads, outcomes and
 * state changes from Lettuce's threads, probes from the broker's timer, checks from health threads.
 */
final class RedisBreaker {

    /** The breaker's name in the health report, the metrics and the log. */
    static final String NAME = "redis";

    private static final Logger log = LoggerFactory.getLogger(RedisBreaker.class);

    /** Where the breaker's state and each call's outcome go; called on the thread that learnt them. */
    interface Reporter {
        /** The breaker is in this state now. */
        void state(BreakerState state);

        /** A call ended this way. */
        void call(BreakerCall outcome);
    }

    private final CircuitBreaker breaker;
    private final RedisBrokerOptions.Breaker settings;
    private final String nodeId;
    private final Reporter reporter;
    /** When it last opened (nanoTime); written by the transition listener, read by the timer and health threads. */
    private volatile long openedNanos;
    /** Probes sent and not answered yet; the next round waits for them, so no probe is refused as not permitted. */
    private final AtomicInteger probesOut = new AtomicInteger();

    RedisBreaker(RedisBrokerOptions.Breaker settings, String nodeId, Reporter reporter) {
        this.settings = settings;
        this.nodeId = nodeId;
        this.reporter = reporter;
        int windowSeconds = (int) settings.window().toSeconds();
        this.breaker = CircuitBreaker.of(NAME, CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRatePercent())
                .slowCallRateThreshold(settings.slowCallRatePercent())
                .slowCallDurationThreshold(settings.slowCallDuration())
                .minimumNumberOfCalls(settings.minimumCalls())
                .slidingWindow(windowSeconds, settings.minimumCalls(), CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                // No timer thread of Resilience4j's: the first call or probe after the open duration half-opens it.
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false) // a refused call is routine while open: no stack trace per refusal
                .build());
        CircuitBreaker.EventPublisher events = breaker.getEventPublisher();
        events.onStateTransition(e -> transitioned(e.getStateTransition()));
        events.onSuccess(e -> reporter.call(slow(e.getElapsedDuration()) ? BreakerCall.SLOW_SUCCEEDED : BreakerCall.SUCCEEDED));
        events.onError(e -> reporter.call(slow(e.getElapsedDuration()) ? BreakerCall.SLOW_FAILED : BreakerCall.FAILED));
        events.onCallNotPermitted(e -> reporter.call(BreakerCall.NOT_PERMITTED));
    }

    /** Reports the state it starts in; the broker calls it once it has somewhere to report to. */
    void started() {
        reporter.state(state());
    }

    /**
     * Makes a call through the breaker.
     *
     * @param call starts the Redis call; a call that throws counts as failed
     * @return the call's outcome, which the breaker counts; failed at once with
     *         {@link CallNotPermittedException} while the breaker is open, the call not made
     */
    <T> CompletableFuture<T> call(Supplier<? extends CompletionStage<T>> call) {
        return breaker.<T>decorateCompletionStage(call::get).get().toCompletableFuture();
    }

    /** Whether the call failed at once because the breaker refused it. */
    static boolean refusedAtOnce(CompletableFuture<?> call) {
        return call.isCompletedExceptionally() && call.handle((ok, error) -> refused(error)).join();
    }

    /** Whether a call's failure is the breaker's refusal rather than Redis'. */
    static boolean refused(Throwable failure) {
        Throwable t = failure;
        while (t != null) {
            if (t instanceof CallNotPermittedException) {
                return true;
            }
            t = t.getCause();
        }
        return false;
    }

    /**
     * One round of probes, on the broker's timer: when the breaker is open past its open duration,
     * or half-open, and no probe is out, sends as many probes as it needs to close.
     *
     * @param ping a cheap Redis call (a {@code PING})
     */
    <T> void probe(Supplier<? extends CompletionStage<T>> ping) {
        CircuitBreaker.State state = breaker.getState();
        boolean due = state == CircuitBreaker.State.HALF_OPEN || (state == CircuitBreaker.State.OPEN
                && System.nanoTime() - openedNanos >= settings.openDuration().toNanos());
        if (!due || !probesOut.compareAndSet(0, settings.halfOpenCalls())) {
            return;
        }
        for (int i = 0; i < settings.halfOpenCalls(); i++) {
            call(ping).whenComplete((ok, error) -> probesOut.decrementAndGet());
        }
    }

    /** The state now. */
    BreakerState state() {
        return of(breaker.getState());
    }

    /** Resilience4j's states as the hub knows them; the ones this breaker never enters count as closed. */
    private static BreakerState of(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            default -> BreakerState.CLOSED;
        };
    }

    /** A health check: healthy while closed, down (saying why) while open or half-open. Never blocks. */
    HealthCheck check() {
        return (HealthCheck.NonBlocking) () -> {
            BreakerState state = state();
            CircuitBreaker.Metrics m = breaker.getMetrics();
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("breaker", NAME);
            facts.put("state", state.name());
            facts.put("calls", m.getNumberOfBufferedCalls());
            facts.put("failureRatePercent", Math.max(0, m.getFailureRate())); // -1 while under minimumCalls
            facts.put("slowCallRatePercent", Math.max(0, m.getSlowCallRate()));
            facts.put("notPermittedCalls", m.getNumberOfNotPermittedCalls());
            return switch (state) {
                case CLOSED -> HealthCheck.Result.up(facts);
                case OPEN -> HealthCheck.Result.down("circuit breaker " + NAME + " is OPEN: calls that wait on Redis"
                        + " fail at once; it probes Redis again " + settings.openDuration().toMillis()
                        + " ms after it opened", facts);
                case HALF_OPEN -> HealthCheck.Result.down("circuit breaker " + NAME + " is HALF_OPEN: probing whether"
                        + " Redis answers again", facts);
            };
        };
    }

    private boolean slow(Duration elapsed) {
        return elapsed.compareTo(settings.slowCallDuration()) >= 0;
    }

    /** Logs the change once and reports it; on the thread whose call or probe caused it. */
    private void transitioned(CircuitBreaker.StateTransition t) {
        if (t.getToState() == CircuitBreaker.State.OPEN) {
            openedNanos = System.nanoTime();
        }
        switch (t) {
            case CLOSED_TO_OPEN -> log.warn("node {}: circuit breaker {} opened: at least {}% of the calls to Redis of the"
                            + " last {} s failed or {}% were slower than {} ms; calls that wait on Redis fail at once,"
                            + " probes in {} ms", nodeId, NAME, settings.failureRatePercent(), settings.window().toSeconds(),
                    settings.slowCallRatePercent(), settings.slowCallDuration().toMillis(), settings.openDuration().toMillis());
            case HALF_OPEN_TO_OPEN -> log.info("node {}: circuit breaker {} stays open: its probes failed; next probes in {} ms",
                    nodeId, NAME, settings.openDuration().toMillis());
            case OPEN_TO_HALF_OPEN -> log.info("node {}: circuit breaker {} half-open: probing Redis", nodeId, NAME);
            case HALF_OPEN_TO_CLOSED -> log.info("node {}: circuit breaker {} closed: Redis answers again", nodeId, NAME);
            default -> log.info("node {}: circuit breaker {}: {}", nodeId, NAME, t);
        }
        reporter.state(of(t.getToState()));
    }

    @Override
    public String toString() {
        return "RedisBreaker[" + NAME + ", " + state() + "]";
    }
}
