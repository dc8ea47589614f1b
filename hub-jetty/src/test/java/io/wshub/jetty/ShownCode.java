package io.wshub.jetty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Code that a document shows is the code a test runs: the same lines, indentation and blank lines aside. */
public final class ShownCode {

    private ShownCode() {
    }

    /**
     * Asserts that the lines of {@code source} between {@code // MARKER:begin} and {@code // MARKER:end}
     * are those of the java block of {@code document} that starts with {@code firstLine}.
     */
    public static void assertShown(Path source, String marker, Path document, String firstLine) throws IOException {
        Matcher inSource = Pattern.compile("// " + marker + ":begin\\n(.*?)\\n\\s*// " + marker + ":end", Pattern.DOTALL)
                .matcher(Files.readString(source));
        assertThat(inSource.find()).as("%s has the code between // %s:begin and // %s:end", source, marker, marker).isTrue();
        Matcher inDocument = Pattern.compile("```java\\n(" + Pattern.quote(firstLine) + ".*?)```", Pattern.DOTALL)
                .matcher(Files.readString(document));
        assertThat(inDocument.find()).as("%s has a java block starting with %s", document, firstLine).isTrue();
        assertThat(normalize(inDocument.group(1))).isEqualTo(normalize(inSource.group(1)));
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
