package io.wshub.examples;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where the server's certificate and key are: a PEM certificate file and a PEM key file
 * ({@code tlsCertFile}, {@code tlsKeyFile}), or a PKCS12 keystore ({@code tlsKeyStore},
 * {@code tlsKeyStorePassword}). Files are read through symbolic links, so a secret mounted by
 * Kubernetes (whose files are links into a directory that is swapped whole) reads as its latest
 * version.
 */
final class CertificateFiles {

    /** The files as read at one moment, and a digest that changes whenever any of their bytes do. */
    record Contents(List<byte[]> files, String digest) {
    }

    private final List<Path> paths;
    private final List<String> settings; // the setting that names each path, for messages
    private final String password;       // the keystore's; null for PEM files

    private CertificateFiles(List<Path> paths, List<String> settings, String password) {
        this.paths = paths;
        this.settings = settings;
        this.password = password;
    }

    static CertificateFiles pem(Path certFile, Path keyFile) {
        return new CertificateFiles(List.of(certFile, keyFile), List.of("tlsCertFile", "tlsKeyFile"), null);
    }

    static CertificateFiles pkcs12(Path keyStore, String password) {
        return new CertificateFiles(List.of(keyStore), List.of("tlsKeyStore"), password);
    }

    /**
     * Reads every file.
     *
     * @throws IllegalArgumentException naming the setting and file that cannot be read
     */
    Contents read() {
        List<byte[]> files = new ArrayList<>();
        MessageDigest digest = sha256();
        for (int i = 0; i < paths.size(); i++) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(paths.get(i));
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(name(i) + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException(name(i) + ": cannot read it: " + e);
            }
            files.add(bytes);
            digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).flip()); // file boundaries count
            digest.update(bytes);
        }
        return new Contents(Collections.unmodifiableList(files), HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * The certificate and key these contents hold.
     *
     * @throws IllegalArgumentException naming the setting and file, and saying what is wrong
     */
    ServerCertificate load(Contents contents) {
        return password == null ? loadPem(contents) : loadPkcs12(contents);
    }

    private ServerCertificate loadPem(Contents contents) {
        List<X509Certificate> chain = named(name(0), () -> PemFiles.certificates(contents.files().get(0)));
        PrivateKey key = named(name(1), () -> PemFiles.privateKey(contents.files().get(1)));
        return named(name(1) + " and " + name(0), () -> ServerCertificate.of(key, chain, contents.digest()));
    }

    private ServerCertificate loadPkcs12(Contents contents) {
        char[] secret = password.toCharArray();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(new ByteArrayInputStream(contents.files().get(0)), secret);
            } catch (IOException e) {
                throw new IllegalArgumentException(name(0) + (e.getCause() instanceof UnrecoverableKeyException
                        ? ": wrong password (tlsKeyStorePassword)" : ": not a PKCS12 keystore: " + e.getMessage()), e);
            }
            List<String> keys = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
            if (keys.size() != 1) {
                throw new IllegalArgumentException(name(0) + ": holds " + keys.size() + " private keys " + keys
                        + ", expected one");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : store.getCertificateChain(keys.get(0))) {
                chain.add((X509Certificate) c);
            }
            PrivateKey key = (PrivateKey) store.getKey(keys.get(0), secret);
            return named(name(0), () -> ServerCertificate.of(key, chain, contents.digest()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(name(0) + ": its key cannot be read: " + e.getMessage(), e);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** The settings and files, for the logs: {@code tlsCertFile /etc/tls/tls.crt and tlsKeyFile /etc/tls/tls.key}. */
    String describe() {
        List<String> named = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            named.add(name(i));
        }
        return String.join(" and ", named);
    }

    /** One step of reading, its error prefixed with what it read. */
    private static <T> T named(String what, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    private String name(int i) {
        return settings.get(i) + " " + paths.get(i);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
