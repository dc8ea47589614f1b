package io.wshub.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** The rules of session ids (1–64 of {@code [A-Za-z0-9_.-]}) and the generator of assigned ones. */
final class SessionIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionIds() {
    }

    static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** 96 random bits as 16 URL-safe base64 characters: unique across nodes without coordination. */
    static String generate() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
