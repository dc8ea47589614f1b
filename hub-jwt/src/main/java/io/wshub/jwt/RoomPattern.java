package io.wshub.jwt;

import java.util.regex.Pattern;

/** One entry of a token's {@code rooms} claim: a room name where {@code *} stands for any run of characters. */
final class RoomPattern {

    private final String text;
    private final Pattern pattern;

    private RoomPattern(String text) {
        this.text = text;
        StringBuilder regex = new StringBuilder();
        for (String part : text.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        this.pattern = Pattern.compile(regex.toString());
    }

    static RoomPattern of(String text) {
        return new RoomPattern(text);
    }

    boolean matches(String room) {
        return pattern.matcher(room).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
