package io.wshub.examples.client;

import io.wshub.Message;
import io.wshub.client.ClientFailure;
import io.wshub.client.ClientListener;
import io.wshub.client.ClientState;
import io.wshub.client.RecoveryListener;

import java.io.PrintStream;
import java.net.URI;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What the terminal client prints: every inbound frame on its own line on stdout, and its state
 * changes, failures and recoveries on stderr, each line flushed at once so that pipes see it.
 */
final class TerminalOutput implements ClientListener, RecoveryListener {

    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<URI> url;

    TerminalOutput(PrintStream out, PrintStream err, Supplier<URI> url) {
        this.out = out;
        this.err = err;
        this.url = url;
    }

    /** Prints a frame as one line: text as it is (line breaks escaped), binary as {@code binary:BASE64}. */
    void frame(Message frame) {
        out.println(render(frame));
        out.flush();
    }

    static String render(Message frame) {
        if (!frame.isText()) {
            byte[] bytes = new byte[frame.size()];
            frame.payload().get(bytes);
            return "binary:" + Base64.getEncoder().encodeToString(bytes);
        }
        return frame.text().replace("\r", "\\r").replace("\n", "\\n");
    }

    /** A line on stderr. */
    void note(String line) {
        err.println(line);
        err.flush();
    }

    @Override
    public void onStateChange(ClientState previous, ClientState current) {
        note("[" + current.name().toLowerCase(Locale.ROOT) + "] " + url.get());
    }

    @Override
    public void onFailure(ClientFailure failure) {
        String cause = failure.cause().getMessage();
        if (failure.willRetry()) {
            note("[retry] " + cause + "; next attempt in " + seconds(failure.retryIn().toMillis()));
        } else {
            note("[gave up] " + cause);
        }
    }

    @Override
    public void onRoomRestored(String room, boolean recovered) {
        note(recovered ? "[recovered] " + room + ": nothing missed"
                : "[not recovered] " + room + ": messages sent to it meanwhile may be missing");
    }

    @Override
    public void onInboxRestored(boolean recovered) {
        note(recovered ? "[recovered] private messages: nothing missed"
                : "[not recovered] private messages sent to you meanwhile may be missing");
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
