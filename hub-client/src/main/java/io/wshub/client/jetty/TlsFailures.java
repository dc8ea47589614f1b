package io.wshub.client.jetty;

import io.wshub.client.ConnectFailedException;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

/**
 * Says in words why a TLS handshake failed: the JDK's own message ("PKIX path building failed: ...")
 * names the mechanism, not what to do about it.
 */
final class TlsFailures {

    private TlsFailures() {
    }

    static ConnectFailedException describe(URI uri, SSLException failure) {
        return new ConnectFailedException(uri, "TLS handshake with " + uri + " failed: " + reason(uri, failure)
                + " (" + rootMessage(failure) + ")", failure);
    }

    private static String reason(URI uri, SSLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "the server's certificate has expired";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "the server's certificate is not valid yet";
            }
            if (t instanceof CertPathBuilderException) {
                return "the server's certificate is not trusted by this client; give it the certificate of the CA"
                        + " that issued it";
            }
            if (t instanceof CertificateException && String.valueOf(t.getMessage()).startsWith("No ")) {
                return "the server's certificate is not issued for " + uri.getHost();
            }
            if (String.valueOf(t.getMessage()).matches("(?i).*(unsupported or )?unrecognized SSL message.*")) {
                return "the server does not speak TLS on this port (a ws:// server?)";
            }
        }
        return "the server and the client did not agree";
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
