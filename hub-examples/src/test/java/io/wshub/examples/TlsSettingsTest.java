package io.wshub.examples;

import io.wshub.jetty.TestCertificates;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS settings are read at start-up: every key form a certificate manager writes, and every mistake a clear error. */
class TlsSettingsTest {

    @TempDir
    static Path dir;
    private static TestCertificates.Made rsa;
    private static TestCertificates.Made ec;

    @BeforeAll
    static void makeCertificates() throws Exception {
        rsa = TestCertificates.make(dir, "wshub-rsa", "RSA");
        ec = TestCertificates.make(dir, "wshub-ec", "EC");
    }

    private static Settings pem(Path cert, Path key) {
        return Settings.with(Map.of(Setting.TLS_CERT_FILE, cert.toString(), Setting.TLS_KEY_FILE, key.toString()));
    }

    /** An RSA key as PKCS#1, as BouncyCastle's PEM writer (and cert-manager by default) writes it. */
    private static Path pkcs1(PrivateKey key, String name) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(key);
        }
        return Files.writeString(dir.resolve(name), text.toString());
    }

    /** An EC key as SEC1 with its curve, as openssl (and cert-manager by default) writes it. */
    private static Path sec1(PrivateKey key, String name) throws Exception {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
        return Files.writeString(dir.resolve(name), TestCertificates.pem("EC PRIVATE KEY", withCurve.getEncoded()));
    }

    @Test
    void pkcs8Pkcs1AndSec1KeysAndCombinedFilesAreRead() throws Exception {
        Path pkcs1 = pkcs1(rsa.key(), "rsa-pkcs1.key");
        Path sec1 = sec1(ec.key(), "ec-sec1.key");
        Path combined = Files.writeString(dir.resolve("combined.pem"), Files.readString(rsa.keyPem()) + Files.readString(rsa.certPem()));
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");

        assertThat(pem(rsa.certPem(), rsa.keyPem()).tls().orElseThrow().certificate().certificate()).isEqualTo(rsa.certificate());
        assertThat(pem(rsa.certPem(), pkcs1).tls().orElseThrow().certificate().certificate()).isEqualTo(rsa.certificate());
        assertThat(pem(ec.certPem(), ec.keyPem()).tls().orElseThrow().certificate().certificate()).isEqualTo(ec.certificate());
        assertThat(pem(ec.certPem(), sec1).tls().orElseThrow().certificate().certificate()).isEqualTo(ec.certificate());
        assertThat(pem(combined, combined).tls().orElseThrow().certificate().certificate()).isEqualTo(rsa.certificate());
        assertThat(Settings.defaults().tls()).isEmpty();
    }

    @Test
    void filesThatCannotBeUsedStopTheStartSayingWhichAndWhy() throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not PEM at all");
        StringWriter encryptedText = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(encryptedText)) {
            writer.writeObject(new JcaPKCS8Generator(rsa.key(), new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).build()));
        }
        Path encrypted = Files.writeString(dir.resolve("encrypted.key"), encryptedText.toString());
        assertThat(encryptedText.toString()).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        assertConfigError(() -> pem(missing, rsa.keyPem()), "tlsCertFile " + missing + ": no such file");
        assertConfigError(() -> pem(rsa.certPem(), missing), "tlsKeyFile " + missing + ": no such file");
        assertConfigError(() -> pem(garbage, rsa.keyPem()), "tlsCertFile " + garbage + ": holds no PEM certificate");
        assertConfigError(() -> pem(rsa.certPem(), garbage), "tlsKeyFile " + garbage + ": holds no PEM private key");
        assertConfigError(() -> pem(rsa.keyPem(), rsa.certPem()), "are the certificate and key files swapped?");
        assertConfigError(() -> pem(rsa.certPem(), ec.keyPem()), "the private key does not match the certificate (CN=wshub-rsa)");
        assertConfigError(() -> pem(rsa.certPem(), encrypted), "the private key is encrypted");
    }

    @Test
    void aKeyStoreIsReadWithItsPasswordAndAWrongOneSaysSo() {
        Map<Setting, Object> right = Map.of(Setting.TLS_KEY_STORE, ec.keyStore().toString(),
                Setting.TLS_KEY_STORE_PASSWORD, TestCertificates.PASSWORD);
        assertThat(Settings.with(right).tls().orElseThrow().certificate().certificate()).isEqualTo(ec.certificate());

        assertConfigError(() -> Settings.with(Map.of(Setting.TLS_KEY_STORE, ec.keyStore().toString(),
                Setting.TLS_KEY_STORE_PASSWORD, "wrong")), "tlsKeyStore " + ec.keyStore() + ": wrong password (tlsKeyStorePassword)");
        assertConfigError(() -> Settings.with(Map.of(Setting.TLS_KEY_STORE, rsa.certPem().toString(),
                Setting.TLS_KEY_STORE_PASSWORD, "x")), "tlsKeyStore " + rsa.certPem() + ": not a PKCS12 keystore");
    }

    @Test
    void settingsThatContradictEachOtherStopTheStart() {
        String cert = rsa.certPem().toString();
        String key = rsa.keyPem().toString();

        assertConfigError(() -> Settings.with(Map.of(Setting.TLS_CERT_FILE, cert)), "tlsCertFile needs tlsKeyFile");
        assertConfigError(() -> Settings.with(Map.of(Setting.TLS_KEY_FILE, key)), "tlsKeyFile needs tlsCertFile");
        assertConfigError(() -> Settings.with(Map.of(Setting.TLS_CERT_FILE, cert, Setting.TLS_KEY_FILE, key,
                Setting.TLS_KEY_STORE, ec.keyStore().toString())), "give tlsCertFile and tlsKeyFile, or tlsKeyStore, not both");
        assertConfigError(() -> Settings.with(Map.of(Setting.TLS_KEY_STORE_PASSWORD, "x")),
                "tlsKeyStorePassword is given without tlsKeyStore");
        assertConfigError(() -> Settings.with(Map.of(Setting.TLS_CERT_FILE, cert, Setting.TLS_KEY_FILE, key,
                Setting.TLS_RELOAD_INTERVAL, Duration.ofSeconds(-1))), "tlsReloadInterval must not be negative");
    }

    private static void assertConfigError(Runnable start, String message) {
        assertThatThrownBy(start::run).isInstanceOf(ConfigException.class).hasMessageStartingWith("invalid settings: ")
                .hasMessageContaining(message);
    }
}
