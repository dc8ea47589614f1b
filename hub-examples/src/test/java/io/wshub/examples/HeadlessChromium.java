package io.wshub.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol with the JDK's
 * own WebSocket client: no extra dependency, no driver binary. One page, whose JavaScript a test
 * evaluates and into which it types as a user would.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final Path profile;
    private final WebSocket page;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, WebSocket page) {
        this.process = process;
        this.profile = profile;
        this.page = page;
    }

    /**
     * Skips the calling test when Chromium is not installed, with a message that says how to
     * install it, except under CI ({@code CI=true}), where the test must run and so fails.
     */
    static void assumeInstalled() {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        String message = "Chromium not found at " + CHROMIUM + ": install it with "
                + "'apt-get update && apt-get install -y chromium' (or set CHROMIUM to its path)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + "; CI=true, so the browser test may not be skipped");
        }
        System.err.println("SKIPPED the browser test: " + message); // surefire does not print skip reasons
        Assumptions.abort(message);
    }

    /** Starts Chromium on this URL and connects to the page's DevTools endpoint. */
    static HeadlessChromium open(URI url) throws Exception {
        Path profile = Files.createTempDirectory("wshub-chromium");
        Process process = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=1200,800", url.toString())
                .redirectErrorStream(true).start();
        try {
            URI browser = devToolsEndpoint(process);
            URI list = URI.create("http://" + browser.getAuthority() + "/json/list");
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(list).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String pageUrl = null;
            for (JsonNode t : targets) {
                if ("page".equals(t.path("type").asText())) {
                    pageUrl = t.get("webSocketDebuggerUrl").asText();
                }
            }
            if (pageUrl == null) {
                throw new IllegalStateException("Chromium opened no page: " + targets);
            }
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create(pageUrl), new Replies(json -> self[0].reply(json)))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            self[0] = new HeadlessChromium(process, profile, ws);
            return self[0];
        } catch (Exception e) {
            destroy(process);
            deleteQuietly(profile);
            throw e;
        }
    }

    /** Reads Chromium's output until it says where DevTools listens. */
    private static URI devToolsEndpoint(Process process) throws Exception {
        CompletableFuture<URI> found = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        found.complete(URI.create(m.group(1)));
                    }
                }
                found.completeExceptionally(new IllegalStateException("Chromium exited before DevTools listened"));
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
        }, "chromium-output");
        reader.setDaemon(true);
        reader.start();
        return found.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends a DevTools command and waits for its result. */
    JsonNode send(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", params);
        page.sendText(JSON.writeValueAsString(command), true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        JsonNode result = reply.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (result.has("error")) {
            throw new IllegalStateException(method + " failed: " + result.get("error"));
        }
        return result.get("result");
    }

    /** Evaluates a JavaScript expression in the page and returns its value (promises are awaited). */
    JsonNode eval(String expression) throws Exception {
        JsonNode result = send("Runtime.evaluate", JSON.createObjectNode()
                .put("expression", expression).put("returnByValue", true).put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page threw on '" + expression + "': " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Focuses the element and types the text into it, as keyboard input. */
    void type(String elementId, String text) throws Exception {
        eval("document.getElementById('" + elementId + "').focus()");
        send("Input.insertText", JSON.createObjectNode().put("text", text));
    }

    /** Presses Enter in the focused element. */
    void pressEnter() throws Exception {
        for (String type : new String[] {"keyDown", "keyUp"}) {
            ObjectNode key = JSON.createObjectNode().put("type", type).put("key", "Enter").put("code", "Enter")
                    .put("windowsVirtualKeyCode", 13).put("nativeVirtualKeyCode", 13);
            if (type.equals("keyDown")) {
                key.put("text", "\r");
            }
            send("Input.dispatchKeyEvent", key);
        }
    }

    /** Clicks the element, as a mouse would, at its centre. */
    void click(String elementId) throws Exception {
        JsonNode box = eval("(() => { const r = document.getElementById('" + elementId
                + "').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()");
        for (String type : new String[] {"mousePressed", "mouseReleased"}) {
            send("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", type)
                    .put("x", box.get(0).asDouble()).put("y", box.get(1).asDouble()).put("button", "left").put("clickCount", 1));
        }
    }

    /** Saves a PNG of the page, for people to look at. */
    void screenshot(Path file) throws Exception {
        JsonNode shot = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    private void reply(JsonNode message) {
        JsonNode id = message.get("id");
        if (id != null) {
            CompletableFuture<JsonNode> f = pending.remove(id.asInt());
            if (f != null) {
                f.complete(message);
            }
        }
    }

    @Override
    public void close() {
        page.abort();
        destroy(process);
        deleteQuietly(profile);
    }

    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the OS cleans it up eventually
        }
    }

    /** Collects the DevTools messages, which may arrive in parts. */
    private static final class Replies implements WebSocket.Listener {
        private final java.util.function.Consumer<JsonNode> sink;
        private final StringBuilder partial = new StringBuilder();

        Replies(java.util.function.Consumer<JsonNode> sink) {
            this.sink = sink;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    sink.accept(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new IllegalStateException("DevTools sent something that is not JSON", e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
