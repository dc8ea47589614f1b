package io.wshub.bench;

import io.wshub.HistoryLimits;
import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.protocol.RoomProtocol;
import io.wshub.testing.InMemoryClient;
import io.wshub.testing.InMemoryTransport;
import io.wshub.testing.ManualScheduler;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap a session costs while it is connected, with the delivery guarantees off and on (the
 * in-memory transport's own objects included, so only the difference is the hub's), and while it is
 * held for resume after its connection dropped (the hub's alone: the dropped clients are let go):
 * N room-protocol sessions, each in one of 100 rooms, each sent one room message and one private
 * message, measured as the live heap after full collections, less the hub before them.
 *
 * <pre>{@code
 * java -Xmx1g -cp hub-bench/target/benchmarks.jar io.wshub.bench.HeldSessionFootprint 20000
 * }</pre>
 */
public final class HeldSessionFootprint {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeldSessionFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.out.printf("%d sessions, bytes per session%n", n);
        System.out.printf("connected, guarantees off (with the in-memory transport): %d%n", perSession(n, false, false));
        System.out.printf("connected, guarantees on (with the in-memory transport):  %d%n", perSession(n, true, false));
        System.out.printf("held for resume (the hub's alone):                        %d%n", perSession(n, true, true));
    }

    /** The live heap per session, of a hub with n sessions (held ones when {@code cut}). */
    private static long perSession(int n, boolean guarantees, boolean cut) throws Exception {
        ManualScheduler time = new ManualScheduler(); // no window passes while measuring
        Hub hub = Hub.builder().scheduler(time).flushExecutor(Runnable::run)
                .options(HubOptions.builder().maxConnections(n + 1).rateLimit(RateLimit.UNLIMITED)
                        .roomHistory(guarantees ? HistoryLimits.DEFAULT : HistoryLimits.OFF)
                        .resumeWindow(guarantees ? Duration.ofSeconds(60) : Duration.ZERO).build())
                .handler(RoomProtocol.router(false).build())
                .build();
        InMemoryTransport transport = new InMemoryTransport(hub.acceptor());
        InMemoryClient sender = transport.connect("sender");
        sender.discardMessages();
        long before = liveHeap();
        List<InMemoryClient> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            InMemoryClient c = transport.connect("s" + i);
            c.discardMessages();
            c.sendText("{\"type\":\"join_room\",\"room\":\"r" + (i % 100) + "\"}");
            sender.sendText("{\"type\":\"private_message\",\"to\":\"s" + i + "\",\"content\":\"hello\"}");
            clients.add(c);
        }
        for (int r = 0; r < 100; r++) {
            sender.sendText("{\"type\":\"join_room\",\"room\":\"r" + r + "\"}");
            sender.sendText("{\"type\":\"room_message\",\"room\":\"r" + r + "\",\"content\":\"hi all\"}");
        }
        if (cut) {
            clients.forEach(InMemoryClient::abort); // dropped without a close frame: every session is held
            clients.clear();                        // what the clients hold is theirs, not the hub's
            if (hub.stats().delivery().heldSessions() != n) {
                throw new IllegalStateException("expected " + n + " held sessions, got " + hub.stats().delivery());
            }
        }
        long per = (liveHeap() - before) / n;
        hub.shutdown(Duration.ZERO);
        time.advance(Duration.ofMinutes(1));
        return per;
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100); // a measuring tool, not a test: let the collector settle
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }
}
