package io.wshub.examples;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Puts a new certificate into the server's TLS context when its files change, without a restart:
 * connections made after that get the new one, open ones keep theirs. Every interval it reads the
 * files (through symbolic links, so a Kubernetes secret's directory swap counts) and compares their
 * digest with the one in use. New contents are loaded once they have stayed the same for one
 * interval, so a pair of files that is being written one after the other is not taken half-done.
 *
 * <p>A change that cannot be used (a file missing or damaged, a key that is not the certificate's)
 * keeps the certificate in use and is logged once, saying why; the next change is tried again.
 * Jetty's own {@code KeyStoreScanner} is not used: it reloads without checking first (a bad file
 * leaves the server without a certificate), watches one file only and misses a link swap.
 */
final class CertificateWatcher extends AbstractLifeCycle {

    private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

    private final CertificateFiles files;
    private final SslContextFactory.Server context;
    private final Duration interval;
    /** The one thread that checks; every field below is touched by it alone, except where marked volatile. */
    private ScheduledExecutorService checker;
    private volatile ServerCertificate current;
    /** Contents seen changed at the last check, not loaded yet: loaded when seen again the same. */
    private String pending;
    /** Contents that could not be used, not tried again until they change. */
    private String refused;
    /** Why the last change was refused, for tests and the logs; empty before any. */
    private volatile Optional<String> lastRefusal = Optional.empty();

    CertificateWatcher(CertificateFiles files, ServerCertificate current, SslContextFactory.Server context,
                       Duration interval) {
        this.files = files;
        this.current = current;
        this.context = context;
        this.interval = interval;
    }

    @Override
    protected void doStart() {
        checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wshub-tls-reload");
            t.setDaemon(true);
            return t;
        });
        checker.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws InterruptedException {
        checker.shutdownNow();
        checker.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** The certificate new connections get. */
    ServerCertificate current() {
        return current;
    }

    /** Why the last change of the files was not taken. */
    Optional<String> lastRefusal() {
        return lastRefusal;
    }

    /** One check; never throws, or the executor would stop scheduling it. */
    private void check() {
        CertificateFiles.Contents contents = null;
        String unreadable = null;
        String digest;
        try {
            contents = files.read();
            digest = contents.digest();
        } catch (IllegalArgumentException e) { // missing or unreadable: waits for stability like a change
            unreadable = e.getMessage();
            digest = "unreadable: " + unreadable;
        }
        if (digest.equals(current.digest()) || digest.equals(refused)) {
            pending = null;
            return;
        }
        if (!digest.equals(pending)) {
            pending = digest; // changed: taken if it is still so at the next check
            return;
        }
        pending = null;
        try {
            if (unreadable != null) {
                throw new IllegalArgumentException(unreadable);
            }
            replace(files.load(contents));
        } catch (IllegalArgumentException e) {
            refuse(digest, e.getMessage());
        } catch (Exception e) {
            refuse(digest, "reloading failed: " + e);
        }
    }

    private void replace(ServerCertificate next) throws Exception {
        ServerCertificate previous = current;
        try {
            context.reload(f -> f.setKeyStore(next.keyStore()));
        } catch (Exception e) {
            context.reload(f -> f.setKeyStore(previous.keyStore())); // checked above, so not expected: put it back
            throw e;
        }
        current = next;
        refused = null;
        log.info("TLS certificate reloaded from {}: now {} (was {})", files.describe(), next.describe(), previous.describe());
        ServerTls.warnIfInvalid(next);
    }

    /** Logs once per content: the same files are read again at every check until they change. */
    private void refuse(String digest, String why) {
        refused = digest;
        lastRefusal = Optional.of(why);
        log.warn("TLS certificate not reloaded, keeping {}: {}", current.describe(), why);
    }
}
