package io.wshub.jetty;

import io.wshub.Hub;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.protocol.RawEchoHandler;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.wshub.jetty.RawPeer.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A raw-socket fuzzer against a hub mounted in Jetty: hundreds of connections at once, each sending
 * valid frames and then one kind of garbage (bad lengths, reserved bits and opcodes, unmasked
 * frames, fragments out of order, bad UTF-8, huge declared lengths, truncated frames, control
 * frames too long, bad close codes), while one well-behaved client echoes numbered messages
 * throughout. Every garbage connection is closed with the code the RFC asks for (or dropped, where
 * the server cannot read on: see {@link Garbage}), the well-behaved client loses nothing, and afterwards the server has no
 * session, thread or memory left from the garbage.
 */
class FrameFuzzTest {

    private static final int FIN = 0x80;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    /** Connections of garbage: 400 in the suite, more in a soak run (-Dwshub.fuzz.connections=N). */
    private static final int CONNECTIONS = Integer.getInteger("wshub.fuzz.connections", 400);
    private static final int MAX_MESSAGE_BYTES = 64 * 1024;

    /**
     * One kind of garbage, the close code the server answers it with, and whether the connection
     * may be dropped instead (the peer then sees no close frame, or a reset before it).
     */
    enum Garbage {
        RESERVED_BITS(1002), RESERVED_OPCODE(1002), UNMASKED(1002), CONTINUATION_WITHOUT_START(1002),
        NEW_MESSAGE_INSIDE_A_FRAGMENTED_ONE(1002), FRAGMENTED_CONTROL_FRAME(1002),
        /**
         * Refused on its header, its payload unread: the server's close with those bytes still in
         * its receive buffer is a reset, which may reach the peer before the 1002 (seen in soak runs).
         */
        CONTROL_FRAME_TOO_LONG(1002, true),
        BAD_CLOSE_CODE(1002), BAD_UTF8(1007), BAD_UTF8_ACROSS_FRAGMENTS(1007),
        /**
         * The server refuses these as they grow, maybe before it read the rest of their bytes, and
         * a close with unread bytes is a reset: the peer may see it before the 1009.
         */
        FRAGMENTS_OVER_THE_LIMIT(1009, true),
        /** The server cannot read past a frame it refused in its middle, so it may drop the connection after its 1009. */
        HUGE_DECLARED_LENGTH(1009, true),
        /** The peer stops in the middle of a frame and closes its side: nothing to answer. */
        TRUNCATED_FRAME(null, true);

        final Integer code;
        final boolean mayDrop;

        Garbage(Integer code) {
            this(code, false);
        }

        Garbage(Integer code, boolean mayDrop) {
            this.code = code;
            this.mayDrop = mayDrop;
        }

        /** Whether this close code is the RFC's answer (for a frame cut short, 1002 if any). */
        boolean answered(int closeCode) {
            return code == null ? closeCode == 1002 : closeCode == code;
        }
    }

    @Test
    void garbageOnHundredsOfConnectionsGetsTheRfcsCodesAndDisturbsNoOne() throws Exception {
        Hub echo = Hub.builder().handler(new RawEchoHandler())
                .options(HubOptions.builder().maxMessageBytes(MAX_MESSAGE_BYTES).rateLimit(RateLimit.UNLIMITED).build()).build();
        try (TestServer server = TestServer.start(s -> WshubHandler.builder(s).mount("/echo", echo).build())) {
            warmUp(server);
            Set<String> threadsBefore = threadsBeyondJettysPool();
            long heapBefore = usedHeapAfterGc();
            WebSocketClient jetty = TestClient.newJettyClient();
            TestClient steady = TestClient.connect(jetty, server.ws("/echo"));
            AtomicBoolean fuzzing = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                Future<List<String>> steadyResult = pool.submit(() -> behaveThroughout(steady, fuzzing, sent));
                List<Future<Ending>> endings = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    long seed = 1_000L * i;
                    endings.add(pool.submit(() -> fuzzOne(server.port(), new Random(seed))));
                }
                Map<Garbage, Integer> tried = new EnumMap<>(Garbage.class);
                List<String> wrong = new ArrayList<>();
                List<String> dropped = new ArrayList<>();
                long frames = 0;
                for (Future<Ending> f : endings) {
                    Ending e = f.get(60, TimeUnit.SECONDS);
                    tried.merge(e.garbage, 1, Integer::sum);
                    frames += e.framesSent;
                    if (e.code == null && !e.garbage.mayDrop) {
                        dropped.add(e.garbage + " (" + e.reason + ")");
                    } else if (e.code != null && !e.garbage.answered(e.code)) {
                        wrong.add(e.garbage + " answered with " + e.code + " (" + e.reason + ")");
                    }
                }
                assertThat(wrong).as("connections closed with another code than the RFC's").isEmpty();
                // The server's close is a reset whenever bytes of the peer's are still unread in its
                // receive buffer, and a reset can overtake the close frame: rare, but a soak run of
                // 10 000 connections meets a few. More than 1 % would be the server's doing.
                assertThat(dropped.size()).as("dropped without their close frame: %s", dropped)
                        .isLessThanOrEqualTo(CONNECTIONS / 100);
                fuzzing.set(false);
                List<String> steadyProblems = steadyResult.get(60, TimeUnit.SECONDS);

                assertThat(steadyProblems).as("the well-behaved client, %d messages", sent.get()).isEmpty();
                assertThat(sent.get()).isPositive();
                assertThat(tried).as("every kind of garbage tried").hasSize(Garbage.values().length);
                assertThat(frames).as("frames sent").isGreaterThan(20_000);
                steady.close(1000, "done");
            } finally {
                pool.shutdownNow();
                jetty.stop();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> echo.sessionCount() == 0);
            await().atMost(Duration.ofSeconds(20)).pollInSameThread().untilAsserted(() -> assertThat(threadsBeyondJettysPool())
                    .as("threads left behind").isSubsetOf(threadsBefore));
            assertThat(usedHeapAfterGc()).as("heap after, against %d MB before", heapBefore >> 20)
                    .isLessThan(heapBefore + (96L << 20));
        }
    }

    /** A connection of garbage: how it ended. */
    record Ending(Garbage garbage, Integer code, String reason, int framesSent) {
    }

    private static Ending fuzzOne(int port, Random random) throws Exception {
        Garbage garbage = Garbage.values()[random.nextInt(Garbage.values().length)];
        try (RawPeer peer = RawPeer.connect(port, "/echo", TestClient.TIMEOUT)) {
            int valid = 40 + random.nextInt(40);
            for (int i = 0; i < valid; i++) {
                if (random.nextBoolean()) {
                    peer.send(TEXT, utf8("{\"n\":" + i + "}"));
                } else {
                    byte[] data = new byte[random.nextInt(200)];
                    random.nextBytes(data);
                    peer.send(BINARY, data);
                }
            }
            sendGarbage(peer, garbage, random);
            try {
                RawPeer.Ending ending = peer.readUntilClose();
                return new Ending(garbage, ending.code(), ending.reason(), valid + 1);
            } catch (SocketException e) {
                return new Ending(garbage, null, "connection reset", valid + 1);
            }
        }
    }

    private static void sendGarbage(RawPeer peer, Garbage garbage, Random random) throws Exception {
        switch (garbage) {
            case RESERVED_BITS -> peer.send(FIN | (0x10 << random.nextInt(3)) | TEXT, utf8("{}"), true);
            case RESERVED_OPCODE -> peer.send(new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}[random.nextInt(10)], utf8("x"));
            case UNMASKED -> peer.send(FIN | TEXT, utf8("{\"n\":0}"), false);
            case CONTINUATION_WITHOUT_START -> peer.send(CONTINUATION, utf8("x"));
            case NEW_MESSAGE_INSIDE_A_FRAGMENTED_ONE -> peer.send(TEXT, utf8("{\"a"), true).send(BINARY, utf8("x"));
            case CONTROL_FRAME_TOO_LONG -> peer.send(PING, new byte[126 + random.nextInt(300)]);
            case FRAGMENTED_CONTROL_FRAME -> peer.send(PING, utf8("x"), true);
            case BAD_CLOSE_CODE -> {
                int[] bad = {0, 1, 999, 1004, 1005, 1006, 1015, 5000, 65535};
                int code = bad[random.nextInt(bad.length)];
                peer.send(CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
            }
            case BAD_UTF8 -> peer.send(TEXT, new byte[] {'{', (byte) 0xC3, (byte) 0x28, (byte) (0xF8 + random.nextInt(8)), '}'});
            case BAD_UTF8_ACROSS_FRAGMENTS -> peer.send(TEXT, new byte[] {'"', (byte) 0xE2}, true)
                    .send(FIN | CONTINUATION, new byte[] {(byte) 0x28, (byte) 0xA1}, true);
            case HUGE_DECLARED_LENGTH -> {
                peer.sendRaw(RawPeer.header(FIN | BINARY, (1L << 40) + random.nextInt(1 << 20)));
                // One byte over the limit, far less than declared: all of it is read before the server
                // refuses, so its close frame is not lost to a reset for unread bytes.
                peer.sendRaw(new byte[MAX_MESSAGE_BYTES + 1]);
            }
            case FRAGMENTS_OVER_THE_LIMIT -> {
                byte[] half = new byte[MAX_MESSAGE_BYTES / 2 + 1];
                peer.send(BINARY, half, true).send(CONTINUATION, half, true); // over the limit with the second
            }
            case TRUNCATED_FRAME -> {
                peer.sendRaw(RawPeer.header(FIN | TEXT, 100));
                peer.sendRaw(utf8("{\"cut\":"));
                peer.shutdownOutput(); // the rest never comes
            }
        }
    }

    /** Echoes numbered messages until told to stop; returns what went wrong (nothing, if all is well). */
    private static List<String> behaveThroughout(TestClient client, AtomicBoolean fuzzing, AtomicLong sent) throws Exception {
        List<String> problems = new ArrayList<>();
        long n = 0;
        while (fuzzing.get() || n < 50) {
            String message = "{\"seq\":" + n + "}";
            client.sendText(message);
            sent.incrementAndGet();
            String back = client.nextText();
            if (!message.equals(back)) {
                problems.add("sent " + message + ", got " + back);
                break;
            }
            n++;
        }
        return problems;
    }

    /** Jetty and the JVM make their lazy threads and classes on first use: not what this test is about. */
    private static void warmUp(TestServer server) throws Exception {
        try (RawPeer peer = RawPeer.connect(server.port(), "/echo", TestClient.TIMEOUT)) {
            peer.send(TEXT, utf8("{}"));
            peer.send(CLOSE, new byte[] {0x03, (byte) 0xE8});
            peer.readUntilClose();
        }
    }

    /**
     * Live threads but those of Jetty's server pool, which grows under load and shrinks only after
     * its idle timeout (a minute): whatever else the garbage made and left running is a leak.
     */
    private static Set<String> threadsBeyondJettysPool() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> !name.startsWith("qtp")).collect(Collectors.toSet());
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
