package io.wshub.examples;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public and protected type, constructor, method and field of the published modules has a
 * Javadoc comment (their Javadoc jars leave {@code io.wshub.internal} out, and so does this check).
 * The Javadoc build checks the comments' syntax, HTML and references; this one that they are there:
 * javac's doclint, its "missing" group, reporting each member without a comment.
 */
class PublicApiJavadocTest {

    @Test
    void everyPublicTypeAndMemberOfThePublishedModulesIsDocumented() throws IOException {
        List<Path> sources = new ArrayList<>();
        for (String module : PublishedModules.list()) {
            try (Stream<Path> files = Files.walk(PublishedModules.mainSources(module))) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(sources::add);
            }
        }
        assertThat(sources).as("the published sources").hasSizeGreaterThan(100);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("public-api-javadoc");
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path"),
                    "-proc:none", "-Xlint:none", "-Xmaxwarns", "100000",
                    "-Xdoclint:missing/protected", "-Xdoclint/package:-io.wshub.internal");
            Boolean compiled = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
            assertThat(compiled).as("the published sources compile: %s", diagnostics.getDiagnostics()).isTrue();
        }
        List<String> undocumented = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getMessage(null).equals("no comment")) {
                undocumented.add(d.getSource().getName() + ":" + d.getLineNumber());
            }
        }
        assertThat(undocumented).as("public types and members without a Javadoc comment").isEmpty();
    }
}
