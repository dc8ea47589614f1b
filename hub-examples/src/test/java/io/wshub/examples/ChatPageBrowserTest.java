package io.wshub.examples;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wshub.jetty.TestClient;
import io.wshub.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.wshub.examples.ServerFixture.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chat page in a real headless Chromium: a person's name, a room, a message each way with a
 * non-browser client, escaping, and the page reconnecting by itself when the server comes back.
 */
class ChatPageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private ServerFixture fixture;
    private HeadlessChromium browser;

    @BeforeAll
    static void chromiumIsThere() {
        HeadlessChromium.assumeInstalled();
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private boolean pageShows(String selector, String text) throws Exception {
        return browser.eval("document.querySelector('" + selector + "').textContent.includes("
                + JsonText.quote(text) + ")").asBoolean();
    }

    private void waitForPage(String selector, String text) throws Exception {
        try {
            await().atMost(WAIT).until(() -> pageShows(selector, text));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(selector + " never showed \"" + text + "\"; the status: "
                    + browser.eval("document.getElementById('status').textContent").asText() + "; the log:\n"
                    + browser.eval("[...document.querySelectorAll('#log p')].map(p => p.textContent).join('\\n')").asText(), e);
        }
    }

    private void openPage(String page) throws Exception {
        openPage(fixture.http(page));
    }

    private void openPage(java.net.URI page) throws Exception {
        browser = HeadlessChromium.open(page);
        await().atMost(WAIT).until(() -> browser.eval("document.readyState === 'complete' && !!document.getElementById('name')").asBoolean());
    }

    /** Opens the chat page, connects under this name (typed, then a click) and joins the room (typed, then Enter). */
    private void openPageAndJoin(String name, String room) throws Exception {
        openPageAndJoin("/", name, room);
    }

    private void openPageAndJoin(String page, String name, String room) throws Exception {
        openPageAndJoin(fixture.http(page), name, room);
    }

    private void openPageAndJoin(java.net.URI page, String name, String room) throws Exception {
        openPage(page);
        browser.type("name", name);
        browser.click("connect");
        waitForPage("#status", "Connected as " + name + ".");
        browser.type("room-input", room);
        browser.pressEnter();
        waitForPage("#rooms", room);
    }

    @Test
    void aPersonChatsWithAServiceInARoomThroughTheBrowser() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
        openPageAndJoin("browser", "lobby");

        TestClient service = fixture.connect("/ws?id=service");
        service.nextText(); // welcome
        service.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        var joined = ServerFixture.json(service.nextText()); // with the room's position: the server keeps history
        assertThat(joined.get("members").toString()).isEqualTo("[\"browser\",\"service\"]");
        assertThat(joined.get("seq").asLong()).isZero();
        waitForPage("#members", "service");

        service.sendText("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hello from the service\"}");
        waitForPage("#log", "[lobby] service: hello from the service");

        browser.type("message", "hello from the browser");
        browser.pressEnter();
        var relayed = (com.fasterxml.jackson.databind.node.ObjectNode) json(service.nextText());
        assertThat(relayed.remove("ref").isTextual()).as("sent with a ref, so the server acknowledges it").isTrue();
        assertJson(relayed.toString(),
                "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hello from the browser\",\"from\":\"browser\",\"seq\":2}");
        await().atMost(WAIT).until(() -> unconfirmedLines() == 0);

        String attack = "<img src=x onerror=\"document.title='pwned'\"><b>bold</b>";
        service.sendText("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":" + JsonText.quote(attack) + "}");
        waitForPage("#log", attack);
        assertThat(browser.eval("document.querySelectorAll('#log img, #log b').length").asInt()).isZero();
        assertThat(browser.eval("document.title").asText()).isEqualTo("wshub chat");
        browser.screenshot(Path.of("target", "chat-page.png"));
    }

    @Test
    void withDeflateOnTheBrowserGetsCompressedRoomMessagesExactly() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.PERMESSAGE_DEFLATE, true, Setting.DEFLATE_THRESHOLD, 64));
        openPageAndJoin("browser", "lobby");
        TestClient service = fixture.connect("/ws?id=service");
        service.nextText(); // welcome
        service.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        service.nextText(); // room_joined
        waitForPage("#members", "service");
        var browserSession = fixture.server.hubs().get("/ws").session("browser").orElseThrow();
        assertThat(browserSession.handshake().headers().get("sec-websocket-extensions").toString())
                .as("the browser offers deflate").contains("permessage-deflate");

        String content = "tick ACME 1234.56 1234.78; ".repeat(60) + "end";
        service.sendText("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"" + content + "\"}");
        waitForPage("#log", "[lobby] service: " + content);
    }

    @Test
    void thePageShowsTheShutdownNoticeReconnectsWhenTheServerComesBackAndChatsAgain() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
        int port = fixture.server.port();
        openPageAndJoin("ada", "lobby");
        TestClient before = serviceInLobby();
        browser.type("message", "before the restart");
        browser.pressEnter();
        assertThat(json(before.nextText()).path("content").asText()).isEqualTo("before the restart");
        await().atMost(WAIT).until(() -> unconfirmedLines() == 0);

        fixture.close();
        waitForPage("#log", "Server: Server is shutting down");
        waitForPage("#status", "Reconnecting in");
        browser.type("message", "written while the server was down");
        browser.pressEnter();
        waitForPage("#log", "[lobby] you: written while the server was down");
        assertThat(unconfirmedLines()).as("kept until the server has it").isEqualTo(1);

        fixture = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.PORT, port));
        waitForPage("#status", "Connected as ada.");
        waitForPage("#log", "Your session could not be resumed"); // a new server: nothing of the old session
        await().atMost(WAIT).until(() -> fixture.server.hubs().get("/ws").rooms().members("lobby").contains("ada"));
        await().atMost(WAIT).until(() -> unconfirmedLines() == 0);
        assertThat(linesOfLog("Not delivered")).isZero();

        TestClient service = fixture.connect("/ws?id=service");
        service.nextText(); // welcome
        service.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        var joined = json(service.nextText());
        assertThat(joined.path("seq").asLong()).as("one message in this server's lobby: sent once").isEqualTo(1);
        TestClient auditor = fixture.connect("/ws?id=auditor");
        auditor.nextText(); // welcome
        auditor.sendText("{\"type\":\"join_room\",\"room\":\"lobby\",\"since\":{\"seq\":0,\"epoch\":"
                + JsonText.quote(joined.path("epoch").asText()) + "}}");
        assertThat(json(auditor.nextText()).path("recovered").asBoolean()).isTrue();
        var replayed = json(auditor.nextText());
        assertThat(replayed.path("content").asText()).isEqualTo("written while the server was down");
        assertThat(replayed.path("from").asText()).isEqualTo("ada");

        service.sendText("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"welcome back\"}");
        waitForPage("#log", "[lobby] service: welcome back");
        browser.type("message", "hello again");
        browser.pressEnter();
        assertThat(contentOfNext(service, "room_message")).isEqualTo("hello again");
    }

    @Test
    void thePagePassesItsTokenToAServerThatRequiresOne() throws Exception {
        String secret = "a browser test secret of 32 bytes or more";
        fixture = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.JWT_SECRET, secret));
        String token = com.auth0.jwt.JWT.create().withSubject("ada")
                .withExpiresAt(java.time.Instant.now().plusSeconds(600)).sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(secret));

        openPageAndJoin("/?token=" + token, "ada", "lobby");

        assertThat(fixture.server.hubs().get("/ws").rooms().members("lobby")).containsExactly("ada");
    }

    @Test
    void aNameTakenIsSaidAsSuchAndNotRetried() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
        TestClient service = fixture.connect("/ws?id=ada");
        service.nextText(); // welcome: ada is taken
        openPage("/");

        browser.type("name", "ada");
        browser.click("connect");

        waitForPage("#log", "The name ada is taken: choose another one.");
        waitForPage("#status", "Name taken.");
        assertThat(browser.eval("document.getElementById('connect').disabled").asBoolean()).as("may connect again").isFalse();
        assertThat(browser.eval("document.getElementById('retry-now').hidden").asBoolean()).as("no retry").isTrue();
        assertThat(pageShows("#log", "the server may be down")).isFalse();
    }

    @Test
    void aServerThatIsDownIsSaidAsSuchTheWaitIsCountedDownAndRetryNowTriesAtOnce() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
        int port = fixture.server.port();
        openPageAndJoin("ada", "lobby");
        fixture.close();
        waitForPage("#log", "the server is down or unreachable");
        await().atMost(WAIT).until(() -> browser.eval("!document.getElementById('retry-now').hidden").asBoolean());

        // The countdown moves: two readings of the status a moment apart differ.
        String first = browser.eval("document.getElementById('status').textContent").asText();
        assertThat(first).matches("Reconnecting in \\d+ s…");
        await().atMost(WAIT).until(() -> !browser.eval("document.getElementById('status').textContent").asText().equals(first));

        fixture = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.PORT, port));
        await().atMost(WAIT).until(() -> pageShows("#status", "Reconnecting in") || pageShows("#status", "Connected as ada."));
        if (pageShows("#status", "Reconnecting in")) {
            browser.click("retry-now");
        }
        waitForPage("#status", "Connected as ada.");
        await().atMost(WAIT).until(() -> fixture.server.hubs().get("/ws").rooms().members("lobby").contains("ada"));
    }

    @Test
    void thePageResumesAcrossACutShowsWhatItMissedOnceAndNobodyHearsItLeave() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
        try (TcpProxy proxy = TcpProxy.to(fixture.server.port())) {
            openPageAndJoin(proxy.uri("http", "/"), "ada", "lobby"); // the page and its WebSocket through the proxy
            TestClient service = serviceInLobby();
            service.sendText("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"before the cut\"}");
            waitForPage("#log", "[lobby] service: before the cut");

            proxy.cut();
            service.sendText("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"during the cut 1\"}");
            service.sendText("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"during the cut 2\"}");

            waitForPage("#log", "Reconnected: nothing missed.");
            waitForPage("#log", "[lobby] service: during the cut 2");
            assertThat(linesOfLog("during the cut 1")).isEqualTo(1);
            assertThat(linesOfLog("before the cut")).isEqualTo(1);
            browser.type("message", "back again");
            browser.pressEnter();
            assertThat(json(service.nextText()).path("content").asText()).as("no one heard ada leave and come back")
                    .isEqualTo("back again");
        }
    }

    @Test
    void aReloadOfTheTabTakesItsSessionBack() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
        openPageAndJoin("ada", "lobby");
        TestClient service = serviceInLobby();

        browser.send("Page.reload", JsonMapper.builder().build().createObjectNode());

        await().atMost(WAIT).until(() -> browser.eval("!!document.getElementById('log')").asBoolean());
        waitForPage("#status", "Connected as ada.");
        waitForPage("#log", "Reconnected: nothing missed.");
        assertThat(fixture.server.hubs().get("/ws").stats().delivery().resumes()).as("the session taken back").isEqualTo(1);
        waitForPage("#rooms", "lobby");
        waitForPage("#members", "service"); // the members asked for again: a reload forgets them
        browser.type("message", "still here");
        browser.pressEnter();
        assertThat(json(service.nextText()).path("content").asText()).as("no one heard ada leave and come back")
                .isEqualTo("still here");
    }

    @Test
    void aMessageWaitingForTheConnectionSurvivesAReloadAndIsDeliveredOnce() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
        try (TcpProxy proxy = TcpProxy.to(fixture.server.port())) {
            java.net.URI page = proxy.uri("http", "/");
            openPageAndJoin(page, "ada", "lobby");
            TestClient service = serviceInLobby();
            proxy.stop(); // the page's server unreachable: its session held by the server
            waitForPage("#log", "the server is down or unreachable");
            browser.type("message", "written while cut off");
            browser.pressEnter();
            assertThat(unconfirmedLines()).isEqualTo(1);

            // The page goes (and cannot come back while the proxy is down), then loads again.
            browser.send("Page.reload", JsonMapper.builder().build().createObjectNode());
            await().atMost(WAIT).until(() -> !browser.eval("!!document.getElementById('log')").asBoolean());
            proxy.start();
            browser.send("Page.navigate", JsonMapper.builder().build().createObjectNode().put("url", page.toString()));

            await().atMost(WAIT).until(() -> browser.eval("!!document.getElementById('log')").asBoolean());
            waitForPage("#log", "[lobby] you: written while cut off (sent again after the reload)");
            waitForPage("#log", "Reconnected: nothing missed.");
            await().atMost(WAIT).until(() -> unconfirmedLines() == 0);
            assertThat(contentOfNext(service, "room_message")).isEqualTo("written while cut off");
            browser.type("message", "and after it");
            browser.pressEnter();
            assertThat(contentOfNext(service, "room_message")).as("the first one only once").isEqualTo("and after it");
        }
    }

    /** A service in lobby, its welcome and room_joined read. */
    private TestClient serviceInLobby() throws Exception {
        TestClient service = fixture.connect("/ws?id=service");
        service.nextText(); // welcome
        service.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        assertThat(json(service.nextText()).path("type").asText()).isEqualTo("room_joined");
        return service;
    }

    /** The content of the next frame of this type the client gets (presence and the like skipped). */
    private static String contentOfNext(TestClient client, String type) throws Exception {
        for (;;) {
            var frame = json(client.nextText());
            if (frame.path("type").asText().equals(type)) {
                return frame.path("content").asText();
            }
        }
    }

    /** How many of the lines the page shows for its own sends the server has not confirmed yet. */
    private int unconfirmedLines() throws Exception {
        return browser.eval("document.querySelectorAll('#log p.pending').length").asInt();
    }

    /** How many lines of the page's log contain this text. */
    private int linesOfLog(String text) throws Exception {
        return browser.eval("[...document.querySelectorAll('#log p')].filter(p => p.textContent.includes("
                + JsonText.quote(text) + ")).length").asInt();
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String frame) throws Exception {
        return ServerFixture.json(frame);
    }

    /** JSON string literals, which are also valid JavaScript string literals. */
    static final class JsonText {
        private JsonText() {
        }

        static String quote(String s) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
        }
    }
}
