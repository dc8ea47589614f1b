package io.wshub.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeferralTest {

    private final List<String> log = new ArrayList<>();

    @Test
    void outsideAnyBracketAnActionRunsAtOnce() {
        Deferral.later(() -> log.add("ran"));
        assertThat(log).containsExactly("ran");
    }

    @Test
    void insideBracketsActionsWaitForTheOutermostExitAndRunInOrder() {
        Deferral.Scope outer = Deferral.enter();
        Deferral.Scope inner = Deferral.enter();
        Deferral.later(() -> log.add("first"));
        Deferral.later(() -> log.add("second"));
        inner.exit();
        log.add("inner done");
        outer.exit();
        assertThat(log).containsExactly("inner done", "first", "second");
    }

    @Test
    void whatAnActionDefersRunsAfterItOnTheSameShallowStackNotNestedInIt() {
        int[] depthOfEach = new int[1000];
        Runnable[] chain = new Runnable[1000];
        for (int i = 0; i < chain.length; i++) {
            int n = i;
            chain[i] = () -> {
                depthOfEach[n] = Thread.currentThread().getStackTrace().length;
                Deferral.Scope scope = Deferral.enter(); // as a session's end does
                try {
                    if (n + 1 < chain.length) {
                        Deferral.later(chain[n + 1]);
                    }
                    log.add("end of " + n);
                } finally {
                    scope.exit();
                }
            };
        }
        Deferral.later(chain[0]);
        assertThat(log).hasSize(1000).startsWith("end of 0", "end of 1").endsWith("end of 999");
        assertThat(depthOfEach[999]).isEqualTo(depthOfEach[1]); // a cascade of 1 000 closes, no deeper than one
    }

    @Test
    void aFailingActionDoesNotStopTheOthers() {
        Deferral.Scope scope = Deferral.enter();
        Deferral.later(() -> {
            throw new IllegalStateException("one session's end failed");
        });
        Deferral.later(() -> log.add("the next one still ran"));
        scope.exit();
        assertThat(log).containsExactly("the next one still ran");
        Deferral.later(() -> log.add("and the thread is back at depth 0"));
        assertThat(log).endsWith("and the thread is back at depth 0");
    }
}
