package io.wshub.examples;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A certificate chain with its private key, checked to belong together, in a key store of its own
 * that lives in memory only (its password is not a secret: nothing is ever written with it).
 *
 * @param keyStore    one key entry, {@link #ALIAS}, under {@link #PASSWORD}
 * @param certificate the server's own certificate, the first of its chain
 * @param digest      the digest of the files it was read from, to tell when they change
 */
record ServerCertificate(KeyStore keyStore, X509Certificate certificate, String digest) {

    static final String ALIAS = "server";
    static final String PASSWORD = "in-memory";
    private static final byte[] PROBE = "does this key match this certificate?".getBytes(StandardCharsets.US_ASCII);

    /**
     * @throws IllegalArgumentException when the key is not the certificate's, or of a kind TLS cannot use here
     */
    static ServerCertificate of(PrivateKey key, List<X509Certificate> chain, String digest) {
        X509Certificate certificate = chain.get(0);
        requireMatch(key, certificate);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
            // What Jetty does with the store when it loads it: fails here rather than there.
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).init(store, PASSWORD.toCharArray());
            return new ServerCertificate(store, certificate, digest);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the key and certificate cannot be used for TLS: " + e.getMessage(), e);
        }
    }

    /** Signs with the key and verifies with the certificate: the one check that holds for every kind of key. */
    private static void requireMatch(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("a " + key.getAlgorithm() + " key is not supported (RSA, EC or"
                    + " Ed25519 are)");
        };
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(PROBE);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) { // a key of another kind than the certificate's
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException("the private key does not match the certificate (" + subject(certificate) + ")");
        }
    }

    /** Subject, serial and validity, as the logs show it. */
    String describe() {
        return subject(certificate) + ", serial " + certificate.getSerialNumber().toString(16) + ", valid "
                + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant();
    }

    /** Why clients will refuse it at this instant, or null when it is within its validity. */
    String invalidAt(Instant now) {
        Date date = Date.from(now);
        if (date.after(certificate.getNotAfter())) {
            return "it expired at " + certificate.getNotAfter().toInstant();
        }
        if (date.before(certificate.getNotBefore())) {
            return "it is valid only from " + certificate.getNotBefore().toInstant();
        }
        return null;
    }

    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
