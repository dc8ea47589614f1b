package io.wshub;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** hub-core knows no transport: not one Jetty type may appear in its sources. */
class NoJettyInCoreTest {

    @Test
    void noCoreSourceMentionsJetty() throws IOException {
        Path sources = Path.of("src/main/java");
        assertThat(sources).isDirectory();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(NoJettyInCoreTest::mentionsJetty)
                    .map(Path::toString)
                    .toList();
        }
        assertThat(offenders).as("hub-core sources importing org.eclipse.jetty").isEmpty();
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
