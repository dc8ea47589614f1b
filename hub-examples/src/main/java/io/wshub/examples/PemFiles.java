package io.wshub.examples;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of a PEM file, as certificate managers write them. BouncyCastle's PEM reader takes the
 * file apart because the JDK 17 reads neither PKCS#1 ({@code RSA PRIVATE KEY}) nor SEC1
 * ({@code EC PRIVATE KEY}) keys, which cert-manager writes by default; the certificates and keys are
 * then made by the JDK's own factories. Other blocks in the same file are skipped, so a file with
 * both the key and the certificate serves as either.
 */
final class PemFiles {

    private PemFiles() {
    }

    /**
     * The certificates of a PEM file, in file order (the server's own first, then its chain).
     *
     * @throws IllegalArgumentException saying what the file holds instead
     */
    static List<X509Certificate> certificates(byte[] pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        boolean privateKey = false;
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object block : blocks(pem)) {
            if (block instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new IllegalArgumentException("a certificate cannot be read: " + e.getMessage(), e);
                }
            } else {
                privateKey |= isPrivateKey(block);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(privateKey ? "holds a private key but no certificate (are the certificate"
                    + " and key files swapped?)" : "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /**
     * The private key of a PEM file: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY})
     * or SEC1 ({@code EC PRIVATE KEY}), unencrypted.
     *
     * @throws IllegalArgumentException saying what the file holds instead
     */
    static PrivateKey privateKey(byte[] pem) {
        List<PrivateKeyInfo> keys = new ArrayList<>();
        boolean certificate = false;
        for (Object block : blocks(pem)) {
            if (block instanceof PrivateKeyInfo info) {
                keys.add(info);
            } else if (block instanceof PEMKeyPair pair) {
                keys.add(pair.getPrivateKeyInfo());
            } else if (block instanceof PKCS8EncryptedPrivateKeyInfo || block instanceof PEMEncryptedKeyPair) {
                throw new IllegalArgumentException("the private key is encrypted; give it unencrypted (openssl pkey -in"
                        + " KEY -out PLAIN), in a file only the server's user can read");
            } else {
                certificate |= block instanceof X509CertificateHolder;
            }
        }
        if (keys.size() != 1) {
            throw new IllegalArgumentException(keys.size() > 1 ? "holds " + keys.size() + " private keys, expected one"
                    : certificate ? "holds a certificate but no private key (are the certificate and key files swapped?)"
                    : "holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(keys.get(0));
        } catch (IOException e) {
            throw new IllegalArgumentException("the private key cannot be read: " + e.getMessage(), e);
        }
    }

    private static boolean isPrivateKey(Object block) {
        return block instanceof PrivateKeyInfo || block instanceof PEMKeyPair
                || block instanceof PKCS8EncryptedPrivateKeyInfo || block instanceof PEMEncryptedKeyPair;
    }

    private static List<Object> blocks(byte[] pem) {
        List<Object> blocks = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) { // a damaged block: bad base64, bad DER, no END line
            throw new IllegalArgumentException("is not a valid PEM file: " + e.getMessage(), e);
        }
        return blocks;
    }
}
