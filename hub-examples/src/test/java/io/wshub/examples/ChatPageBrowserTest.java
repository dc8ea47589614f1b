package io.wshub.examples;

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

    private void waitForPage(String selector, String text) {
        await().atMost(WAIT).until(() -> pageShows(selector, text));
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
        assertJson(service.nextText(),
                "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hello from the browser\",\"ref\":\"p1\",\"from\":\"browser\",\"seq\":2}");

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
    void thePageShowsTheShutdownNoticeAndReconnectsWhenTheServerComesBack() throws Exception {
        fixture = ServerFixture.start(ExampleServer.ROOM);
        int port = fixture.server.port();
        openPageAndJoin("ada", "lobby");

        fixture.close();
        waitForPage("#log", "Server: Server is shutting down");
        waitForPage("#status", "Reconnecting in");

        fixture = ServerFixture.start(ExampleServer.ROOM, Map.of(Setting.PORT, port));
        waitForPage("#status", "Connected as ada.");
        await().atMost(WAIT).until(() -> fixture.server.hubs().get("/ws").rooms().members("lobby").contains("ada"));
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

        browser.send("Page.reload", com.fasterxml.jackson.databind.json.JsonMapper.builder().build().createObjectNode());

        await().atMost(WAIT).until(() -> browser.eval("!!document.getElementById('log')").asBoolean());
        waitForPage("#status", "Connected as ada.");
        waitForPage("#log", "Reconnected: nothing missed.");
        assertThat(fixture.server.hubs().get("/ws").stats().delivery().resumes()).as("the session taken back").isEqualTo(1);
        waitForPage("#rooms", "lobby");
        browser.type("message", "still here");
        browser.pressEnter();
        assertThat(json(service.nextText()).path("content").asText()).as("no one heard ada leave and come back")
                .isEqualTo("still here");
    }

    /** A service in lobby, its welcome and room_joined read. */
    private TestClient serviceInLobby() throws Exception {
        TestClient service = fixture.connect("/ws?id=service");
        service.nextText(); // welcome
        service.sendText("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        assertThat(json(service.nextText()).path("type").asText()).isEqualTo("room_joined");
        return service;
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
