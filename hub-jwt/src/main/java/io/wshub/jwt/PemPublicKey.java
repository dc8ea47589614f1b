package io.wshub.jwt;

import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo) of an RSA or EC key with the JDK alone. */
final class PemPublicKey {

    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";

    private PemPublicKey() {
    }

    /**
     * The key in this PEM text.
     *
     * @throws IllegalArgumentException when it is no PEM public key of an RSA or EC key
     */
    static PublicKey parse(String pem) {
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("not a PEM public key: expected " + BEGIN + " ... " + END
                    + (pem.contains("RSA PUBLIC KEY") ? " (convert PKCS#1 with: openssl rsa -RSAPublicKey_in -pubout)" : ""));
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM public key is not valid base64: " + e.getMessage(), e);
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // not this kind of key: try the next
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no " + algorithm + " key factory", e);
            }
        }
        throw new IllegalArgumentException("PEM public key is neither an RSA nor an EC key");
    }
}
