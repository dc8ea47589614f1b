package io.wshub.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.wshub.examples.PublishedModules.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation stands on its own: every relative link of the README and docs/ leads to a file
 * that exists, every document of docs/ that a source or a document names exists, and nothing
 * points at a document users never get (a design map, an issue tracker's entries).
 */
class DocsReferencesTest {

    private static final Path BASE = ROOT.toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
    private static final Pattern DOC = Pattern.compile("(?<![\\w/.-])docs/[\\w-]+\\.md");
    /** Built from pieces, so that this file does not match itself. */
    private static final Pattern ELSEWHERE = Pattern.compile("DESIGN" + "\\.md|\\bthe " + "issue\\b|\\bissue" + "'s\\b|\\bissue " + "#?\\d",
            Pattern.CASE_INSENSITIVE);

    @Test
    void everyLinkOfTheDocumentationLeadsToAFileThatExists() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : files(".md")) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (!target.contains("://") && !Files.exists(doc.getParent().resolve(target))) {
                    broken.add(BASE.relativize(doc) + " -> " + target);
                }
            }
        }
        assertThat(broken).as("links to nothing").isEmpty();
    }

    @Test
    void everyDocumentNamedInTheSourcesAndDocsExistsAndNoneIsElsewhere() throws IOException {
        List<String> missing = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        for (String ending : List.of(".md", ".java", ".xml", ".yaml", ".sh", ".js", ".html", "Dockerfile")) {
            for (Path file : files(ending)) {
                String text = Files.readString(file);
                Matcher doc = DOC.matcher(text);
                while (doc.find()) {
                    if (!Files.exists(BASE.resolve(doc.group()))) {
                        missing.add(BASE.relativize(file) + ": " + doc.group());
                    }
                }
                Matcher other = ELSEWHERE.matcher(text);
                if (other.find()) {
                    elsewhere.add(BASE.relativize(file) + ": " + other.group());
                }
            }
        }
        assertThat(missing).as("documents named that do not exist").isEmpty();
        assertThat(elsewhere).as("references to documents users do not have").isEmpty();
    }

    /** The repository's files with this ending, build output and version control left out. */
    private static List<Path> files(String ending) throws IOException {
        try (Stream<Path> all = Files.walk(BASE)) {
            return all.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(ending))
                    .filter(f -> f.toString().indexOf("/target/") < 0 && f.toString().indexOf("/.git/") < 0
                            && f.toString().indexOf("/node_modules/") < 0)
                    .sorted().toList();
        }
    }
}
