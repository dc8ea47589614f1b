package com.example.chat;

import io.wshub.client.RoomClient;
import io.wshub.client.jetty.WsHubClient;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user does first: copy the README's embedding example into their project, run it, and
 * talk to it with wshub's client. The example is taken from README.md as it stands (its imports
 * block and its startChat block), compiled against this project's class path only — the wshub
 * artifacts the BOM resolved from the local repository and what they bring — and run.
 */
class ReadmeEmbeddingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void theReadmesServerServesAClientAndTheApplicationOnOnePort() throws Exception {
        Method startChat = compileReadmeExample();
        Server server = (Server) startChat.invoke(null, 0, hello());
        try {
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            String ws = "ws://127.0.0.1:" + port + "/ws";

            CompletableFuture<String> bobGot = new CompletableFuture<>();
            RoomClient alice = WsHubClient.rooms(ws + "?id=alice", frame -> { });
            RoomClient bob = WsHubClient.rooms(ws + "?id=bob", frame -> {
                if (frame.text().contains("\"room_message\"")) {
                    bobGot.complete(frame.text());
                }
            });
            try {
                alice.join("lobby").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                bob.join("lobby").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                alice.send("lobby", "hello from a consumer").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

                String message = bobGot.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(message.contains("\"content\":\"hello from a consumer\""), message);
                assertTrue(message.contains("\"from\":\"alice\""), message);
            } finally {
                alice.close();
                bob.close();
            }

            assertEquals(200, get(port, "/health/ready").statusCode());
            HttpResponse<String> app = get(port, "/anything/else");
            assertEquals(200, app.statusCode());
            assertEquals("hello from the application", app.body());
        } finally {
            server.stop();
        }
    }

    /** The README's imports and startChat, as one class compiled here; its startChat method. */
    private static Method compileReadmeExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String imports = block(readme, "import io.wshub.Hub;");
        String startChat = block(readme, "static Server startChat");
        String source = imports + "\npublic class ReadmeChat {\n" + startChat + "\n}\n";

        Path dir = Files.createDirectories(Path.of("target", "readme-example"));
        Path file = Files.writeString(dir.resolve("ReadmeChat.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", dir.toString(), "-classpath", System.getProperty("java.class.path"), "--release", "17");
            boolean compiled = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(file)).call();
            assertTrue(compiled, "the README's example compiles in a consumer project: " + diagnostics.getDiagnostics());
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, ReadmeEmbeddingTest.class.getClassLoader());
        Method method = loader.loadClass("ReadmeChat").getDeclaredMethod("startChat", int.class, Handler.class);
        method.setAccessible(true);
        return method;
    }

    /** The ```java block of the README that starts with {@code start}. */
    private static String block(String readme, String start) {
        Matcher m = Pattern.compile("```java\\n(" + Pattern.quote(start) + ".*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has a java block starting with " + start);
        return m.group(1);
    }

    /** The application's own handler, which the README's server puts after the hub. */
    private static Handler hello() {
        return new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, ByteBuffer.wrap("hello from the application".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
