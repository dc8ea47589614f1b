package io.wshub.client;

import java.util.Set;

/** Retries everything but handshakes refused with given HTTP statuses and closes with given codes. */
record StatusRetryPolicy(Set<Integer> refusedStatuses, Set<Integer> refusedCloseCodes) implements RetryPolicy {

    StatusRetryPolicy {
        refusedStatuses = Set.copyOf(refusedStatuses);
        refusedCloseCodes = Set.copyOf(refusedCloseCodes);
    }

    @Override
    public boolean shouldRetry(ClientException failure) {
        if (failure instanceof HandshakeRefusedException refused) {
            return !refusedStatuses.contains(refused.status());
        }
        if (failure instanceof ConnectionLostException lost) {
            return !refusedCloseCodes.contains(lost.status().code());
        }
        return true;
    }
}
