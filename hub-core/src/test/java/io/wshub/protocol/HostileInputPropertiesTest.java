package io.wshub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wshub.ErrorKind;
import io.wshub.HubOptions;
import io.wshub.RateLimit;
import io.wshub.testing.HubFixture;
import io.wshub.testing.Peer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input of every shape against the envelope and the room protocol's router: any text, any
 * JSON value at any depth, any bytes, and objects of the protocol's own types with fields of any
 * JSON type. The envelope answers with its defined error or a valid message, never another
 * exception; through a hub, every message gets an answer of the protocol (a reply or an error
 * frame), no handler throws, and the connection stays usable.
 */
class HostileInputPropertiesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> TYPES = List.of("join_room", "leave_room", "room_message",
            "private_message", "broadcast", "ping", "");
    private static final List<String> FIELDS = List.of("type", "room", "content", "to", "data", "message", "id");

    private HubFixture server;
    private Peer alice;

    @BeforeProperty
    void startHub() {
        // The hub's clock stands still, so the token bucket would never refill: no rate limit here.
        server = HubFixture.rooms(HubOptions.builder().rateLimit(RateLimit.UNLIMITED).build());
        List<Peer> peers = server.settledPeers("alice", "bob");
        alice = peers.get(0);
        peers.get(1).joinRoom("lobby");
        alice.joinRoom("lobby");
        peers.get(1).discardReceived();
    }

    @AfterProperty
    void stopHub() {
        assertThat(server.errors(ErrorKind.HANDLER)).as("handler exceptions").isZero();
        assertThat(server.errors(ErrorKind.INTERNAL)).as("internal failures").isZero();
        server.close();
    }

    // ---- the envelope alone ----

    @Property(tries = 2_000)
    void anyTextParsesToATypedObjectOrItsDefinedError(@ForAll String text) {
        assertParsesOrRefuses(text);
    }

    @Property(tries = 1_000)
    void anyJsonValueAtAnyDepthParsesToATypedObjectOrItsDefinedError(@ForAll("json") JsonNode value) {
        String text = value.toString();
        if (value instanceof ObjectNode object && object.path("type").isTextual() && !object.get("type").textValue().isEmpty()) {
            assertThat(Envelope.type(Envelope.parse(text))).isEqualTo(object.get("type").textValue());
        } else {
            assertParsesOrRefuses(text);
        }
    }

    @Property(tries = 50)
    void nestingFarBeyondAnyParsersLimitIsRefusedNotAStackOverflow(@ForAll("depths") int depth, @ForAll boolean arrays) {
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String text = "{\"type\":\"x\",\"n\":" + open.repeat(depth) + "1" + close.repeat(depth) + "}";
        assertParsesOrRefuses(text);
    }

    private static void assertParsesOrRefuses(String text) {
        ObjectNode parsed;
        try {
            parsed = Envelope.parse(text);
        } catch (ProtocolError e) {
            assertThat(e.getMessage()).isIn(Envelope.INVALID_FORMAT, Envelope.MISSING_TYPE);
            return;
        }
        assertThat(Envelope.type(parsed)).isNotEmpty();
    }

    // ---- through a hub ----

    @Property(tries = 1_000)
    void everyHostileMessageOfTheProtocolsTypesIsAnsweredWithinTheProtocolAndTheConnectionStaysUsable(
            @ForAll("messages") ObjectNode message) {
        alice.send(message.toString());
        answeredWithinTheProtocol();
    }

    @Property(tries = 1_000)
    void anyTextOrBytesThroughAHubAreAnsweredWithinTheProtocolAndTheConnectionStaysUsable(
            @ForAll String text, @ForAll byte[] bytes) {
        alice.client().sendText(text);
        alice.client().sendBinary(bytes);
        answeredWithinTheProtocol();
    }

    /** Pings, then reads up to the pong: everything before it is a message of the protocol. */
    private void answeredWithinTheProtocol() {
        alice.send("{\"type\":\"ping\"}");
        for (;;) {
            ObjectNode frame = alice.nextJson();
            assertThat(frame.path("type").isTextual()).as("a typed message: %s", frame).isTrue();
            if (frame.get("type").textValue().equals("pong")) {
                break;
            }
        }
        assertThat(alice.client().isClosed()).isFalse();
    }

    // ---- generators ----

    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.integers().between(1_000, 100_000);
    }

    @Provide
    Arbitrary<JsonNode> json() {
        return value(5);
    }

    @Provide
    Arbitrary<ObjectNode> messages() {
        Arbitrary<String> types = Arbitraries.oneOf(Arbitraries.of(TYPES), Arbitraries.strings().ofMaxLength(20));
        Arbitrary<Map<String, JsonNode>> fields = Arbitraries.maps(Arbitraries.of(FIELDS), value(3)).ofMaxSize(5);
        return Combinators.combine(types, fields).as((type, extra) -> {
            ObjectNode o = NODES.objectNode();
            extra.forEach(o::set);
            if (!o.has("type")) {
                o.put("type", type);
            }
            return o;
        });
    }

    private static Arbitrary<JsonNode> value(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(70).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.bigDecimals().map(NODES::numberNode),
                Arbitraries.just(new BigDecimal("1e999999")).map(NODES::numberNode),
                Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> inner = Arbitraries.lazy(() -> value(depth - 1));
        return Arbitraries.frequencyOf(
                Tuple.of(4, leaf),
                Tuple.of(1, inner.list().ofMaxSize(4).map(items -> {
                    var array = NODES.arrayNode();
                    items.forEach(array::add);
                    return (JsonNode) array;
                })),
                Tuple.of(1, Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), inner).ofMaxSize(4).map(m -> {
                    ObjectNode o = NODES.objectNode();
                    m.forEach(o::set);
                    return (JsonNode) o;
                })));
    }
}
