package io.wshub.examples.client;

import io.wshub.client.ClientFailure;
import io.wshub.client.ClientListener;
import io.wshub.client.ClientState;
import io.wshub.client.ReconnectingClient;
import io.wshub.client.RoomClient;
import io.wshub.client.jetty.ClientTls;
import io.wshub.client.jetty.WsHubClient;
import io.wshub.examples.Logging;
import io.wshub.examples.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code java -jar wshub-examples.jar client --url ws://HOST:PORT/ws [--url ...] [--room R] [--id NAME] [--trust-cert CA.pem]}:
 * a terminal client on wshub's room client. Given several {@code --url}s (the nodes of a cluster), it
 * starts at a random one and moves to the next when one is down or shuts down, resuming there. Every incoming frame is printed on its own line on
 * stdout; every line read from stdin is sent (as a {@code room_message} to R with {@code --room},
 * else as a text frame as it is); state changes and recoveries go to stderr. It reconnects by
 * itself, resumes its session (or joins R again) after every reconnect, and sends what was typed
 * during an outage once it is back.
 *
 * <p>At the end of stdin it waits for what is still unsent — with {@code --room}, for the server's
 * acks — up to the send timeout, closes, and exits 0. It exits 1 when the client gives up (a refused
 * handshake it cannot fix: 400, 401, 403, 404, 409; a 1008 close).
 */
@Command(name = "client", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"A terminal client for a wshub server: prints every incoming frame on its own line,",
                "sends every line you type, reconnects by itself and joins --room again."})
public final class ClientCommand implements Callable<Integer> {

    /** Exit code when the client gave up on a failure it does not retry. */
    static final int GAVE_UP = 1;
    /** The room server's rule for session ids (docs/protocol.md). */
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = {"The server's WebSocket address, e.g. ws://localhost:8080/ws (wss:// for TLS).",
                    "Repeat it for the nodes of a cluster: the client starts at a random one and moves on",
                    "to the next when one is down or shuts down."})
    private List<URI> urls;

    @Option(names = "--room", paramLabel = "ROOM",
            description = "Join this room (again after every reconnect) and send each line to it as a room_message.")
    private String room;

    @Option(names = "--id", paramLabel = "NAME",
            description = "Ask for this session id (1-64 of [A-Za-z0-9_.-]); a server that has it taken refuses with 409.")
    private String id;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:WSHUB_TOKEN}",
            description = "A token (a JWT) sent as 'Authorization: Bearer TOKEN' on every attempt, for a server that"
                    + " requires one; WSHUB_TOKEN when not given (a flag shows in the process list).")
    private String token;

    @Option(names = "--trust-cert", paramLabel = "FILE", defaultValue = "${env:WSHUB_TRUST_CERT}",
            description = "For wss:// addresses: trust the certificates of this PEM file (a private CA, or the server's"
                    + " own) instead of the JDK's trust store; WSHUB_TRUST_CERT when not given.")
    private Path trustCert;

    @Spec
    private CommandSpec spec;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    // For tests: adds to the client before it connects (a restore hook, quicker backoff).
    private Consumer<ReconnectingClient.Builder> customizer = builder -> { };

    /** Reads System.in, prints to System.out and System.err. */
    public ClientCommand() {
        this(System.in, System.out, System.err);
    }

    ClientCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    ClientCommand customize(Consumer<ReconnectingClient.Builder> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
        return this;
    }

    @Override
    public Integer call() throws Exception {
        quietLibraryLogging();
        List<URI> addresses = urls.stream().map(this::withId).toList();
        ClientTls tls;
        try {
            boolean given = trustCert != null && !trustCert.toString().isBlank();
            tls = given ? ClientTls.trustPem(trustCert) : ClientTls.systemDefault();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--trust-cert': " + e.getMessage());
        }
        ReconnectingClient.Builder builder;
        try {
            builder = WsHubClient.builder(tls);
            if (addresses.size() == 1) {
                builder.url(addresses.get(0));
            } else {
                builder.urls(addresses);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--url': " + e.getMessage());
        }
        if (token != null && !token.isBlank()) {
            String bearer = token.trim();
            builder.token(() -> bearer);
        }
        if (room != null && !RoomClient.isValidRoomName(room)) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--room': 1-64 of [A-Za-z0-9_.:-] expected, was '" + room + "'");
        }
        CompletableFuture<Integer> gaveUp = new CompletableFuture<>();
        AtomicReference<ReconnectingClient> connected = new AtomicReference<>();
        TerminalOutput terminal = new TerminalOutput(out, err, () -> {
            ReconnectingClient c = connected.get();
            return c == null ? addresses.get(0) : c.url();
        });
        builder.listener(new ClientListener() {
            @Override
            public void onStateChange(ClientState previous, ClientState current) {
                terminal.onStateChange(previous, current);
            }

            @Override
            public void onFailure(ClientFailure failure) {
                terminal.onFailure(failure);
                if (!failure.willRetry()) {
                    gaveUp.complete(GAVE_UP);
                }
            }
        }).onMessage(terminal::frame);
        customizer.accept(builder);

        // A room client also without --room: it resumes the session of a server that offers it.
        RoomClient rooms = RoomClient.connect(builder, terminal);
        ReconnectingClient client = rooms.client();
        connected.set(client);
        Function<String, CompletableFuture<?>> sender;
        if (room != null) {
            rooms.join(room);
            sender = line -> rooms.send(room, line);
        } else {
            sender = client::sendText;
        }
        Thread closeOnExit = new Thread(client::close, "wshub-client-shutdown");
        Runtime.getRuntime().addShutdownHook(closeOnExit);
        try {
            return run(client, sender, terminal, gaveUp);
        } finally {
            client.close();
            try {
                Runtime.getRuntime().removeShutdownHook(closeOnExit);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook closes the client, harmlessly again
            }
        }
    }

    /** Sends stdin's lines until it ends (or the client gives up); returns the exit code. */
    private int run(ReconnectingClient client, Function<String, CompletableFuture<?>> sender,
                    TerminalOutput terminal, CompletableFuture<Integer> gaveUp) throws InterruptedException {
        CompletableFuture<Integer> inputEnded = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                inputEnded.complete(readLines(sender, terminal, client.options().sendTimeout()));
            } catch (RuntimeException e) {
                inputEnded.completeExceptionally(e);
            }
        }, "wshub-client-stdin");
        reader.setDaemon(true); // a read blocked on a terminal must not keep the JVM alive
        reader.start();
        try {
            return (Integer) CompletableFuture.anyOf(inputEnded, gaveUp).get();
        } catch (ExecutionException e) {
            terminal.note("[error] " + e.getCause());
            return GAVE_UP;
        }
    }

    private int readLines(Function<String, CompletableFuture<?>> sender, TerminalOutput terminal,
                          Duration sendTimeout) {
        Outstanding outstanding = new Outstanding();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String sent = line;
                outstanding.add(sender.apply(line).whenComplete((ignored, error) -> {
                    if (error != null) {
                        terminal.note("[not sent] " + sent + ": " + rootMessage(error));
                    }
                }));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            outstanding.allDone().get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // each failure was reported by whenComplete above
        }
        return 0;
    }

    /** The query parameter {@code id=NAME} added to the URL, with {@code --id}. */
    private URI withId(URI given) {
        if (id == null) {
            return given;
        }
        if (!SESSION_ID.matcher(id).matches()) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--id': 1-64 of [A-Za-z0-9_.-] expected, was '" + id + "'");
        }
        String query = given.getRawQuery();
        if (query != null && (query.startsWith("id=") || query.contains("&id="))) {
            throw new ParameterException(spec.commandLine(), "Give the session id with --id or in the URL's query, not both");
        }
        return URI.create(given + (query == null ? "?" : "&") + "id=" + id);
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && (cause instanceof java.util.concurrent.CompletionException
                || cause instanceof ExecutionException)) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    /** Here state changes are printed, so the library's own lines stay quiet. */
    private static void quietLibraryLogging() {
        Logging.configure("warn", "text");
    }
}
