package io.wshub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * hub-core knows no transport: not one Jetty type may appear in its sources, nor in hub-testkit's,
 * which hub-core's tests compile too (and which users add to tests of any transport).
 */
class NoJettyInCoreTest {

    @ParameterizedTest
    @ValueSource(strings = {"src/main/java", "../hub-testkit/src/main/java"})
    void noSourceMentionsJetty(String root) throws IOException {
        Path sources = Path.of(root);
        assertThat(sources).isDirectory();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(NoJettyInCoreTest::mentionsJetty)
                    .map(Path::toString)
                    .toList();
        }
        assertThat(offenders).as("sources under %s importing org.eclipse.jetty", root).isEmpty();
    }

    @Test
    void theCheckRecognisesAJettyImport(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("Bad.java");
        Files.writeString(file, "package x;\nimport org.eclipse.jetty.websocket.api.Session;\nclass Bad {}\n");
        assertThat(mentionsJetty(file)).isTrue();
    }

    private static boolean mentionsJetty(Path file) {
        try {
            return Files.readString(file).contains("org.eclipse.jetty");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
