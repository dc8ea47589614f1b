package io.wshub.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The TLS settings (docs/security.md, "TLS"), read and checked at start-up: where the certificate
 * is, the certificate itself, and how often its files are checked for a change (zero: never).
 */
record TlsSettings(CertificateFiles files, ServerCertificate certificate, Duration reloadInterval) {

    /**
     * The TLS the settings ask for, its files read once; empty when they ask for none.
     *
     * @throws ConfigException for a certificate without its key (or the other way round), both a PEM
     *                         pair and a keystore, a password without a keystore, a negative interval,
     *                         and files that cannot be read, do not parse or do not belong together
     */
    static Optional<TlsSettings> of(Settings settings) {
        String certFile = (String) settings.get(Setting.TLS_CERT_FILE);
        String keyFile = (String) settings.get(Setting.TLS_KEY_FILE);
        String keyStore = (String) settings.get(Setting.TLS_KEY_STORE);
        String password = (String) settings.get(Setting.TLS_KEY_STORE_PASSWORD);
        Duration interval = (Duration) settings.get(Setting.TLS_RELOAD_INTERVAL);
        boolean pem = !certFile.isEmpty() || !keyFile.isEmpty();
        if (pem && !keyStore.isEmpty()) {
            throw new ConfigException("invalid settings: give tlsCertFile and tlsKeyFile, or tlsKeyStore, not both");
        }
        if (pem && (certFile.isEmpty() || keyFile.isEmpty())) {
            throw new ConfigException("invalid settings: " + (certFile.isEmpty()
                    ? "tlsKeyFile needs tlsCertFile (the certificate of the key)"
                    : "tlsCertFile needs tlsKeyFile (the certificate's private key)"));
        }
        if (keyStore.isEmpty() && !password.isEmpty()) {
            throw new ConfigException("invalid settings: tlsKeyStorePassword is given without tlsKeyStore");
        }
        if (interval.isNegative()) {
            throw new ConfigException("invalid settings: tlsReloadInterval must not be negative, was " + interval);
        }
        if (!pem && keyStore.isEmpty()) {
            return Optional.empty();
        }
        CertificateFiles files = pem ? CertificateFiles.pem(Path.of(certFile), Path.of(keyFile))
                : CertificateFiles.pkcs12(Path.of(keyStore), password);
        try {
            return Optional.of(new TlsSettings(files, files.load(files.read()), interval));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid settings: " + e.getMessage());
        }
    }
}
