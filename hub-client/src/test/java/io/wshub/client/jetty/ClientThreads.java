package io.wshub.client.jetty;

import java.util.Set;
import java.util.stream.Collectors;

/** The threads of wshub's own Jetty clients ({@code wshub-client-N…}), to check that none is left behind. */
final class ClientThreads {

    private final Set<Thread> before = Thread.getAllStackTraces().keySet();

    /** The names of client threads alive now that were not alive when this was made. */
    Set<String> started() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t) && t.getName().startsWith("wshub-client-"))
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
