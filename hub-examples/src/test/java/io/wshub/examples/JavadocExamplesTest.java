package io.wshub.examples;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java example in the Javadoc of the published modules compiles against the real API: an
 * example that no longer compiles is a contract the code does not keep. Each {@code <pre>{@code …}}
 * block of Java (shell commands are left out) becomes the body of a method in a class that imports
 * the public packages and offers the few names examples may take as given: {@code transport} (a
 * client transport), {@code myHandler} (the application's handler), {@code yourOtherHandler} (the
 * application's Jetty handler), {@code currentToken()}, {@code openTelemetry} (the application's
 * SDK), {@code secret} (a JWT secret), {@code scheduler} (a hub {@code Scheduler}) and
 * {@code assertEquals}. This module
 * depends on every published module, so its test classpath is the whole API.
 */
class JavadocExamplesTest {

    private static final Pattern EXAMPLE = Pattern.compile("<pre>\\{@code\\s*\\n(.*?)\\n\\s*\\*\\s*}</pre>", Pattern.DOTALL);
    private static final String PROLOGUE = """
            import io.wshub.*;
            import io.wshub.client.*;
            import io.wshub.client.jetty.*;
            import io.wshub.client.pool.*;
            import io.wshub.jetty.*;
            import io.wshub.jwt.*;
            import io.wshub.micrometer.*;
            import io.wshub.operations.*;
            import io.wshub.opentelemetry.*;
            import io.wshub.protocol.*;
            import io.wshub.redis.*;
            import io.wshub.spi.*;
            import io.wshub.testing.*;
            import io.wshub.testkit.*;
            import java.nio.file.Path;
            import java.time.*;
            import java.util.*;
            import java.util.concurrent.*;
            import io.micrometer.core.instrument.*;
            import io.micrometer.core.instrument.simple.*;
            import io.micrometer.prometheusmetrics.*;
            import org.eclipse.jetty.server.Handler;
            import org.eclipse.jetty.server.Server;
            import org.eclipse.jetty.server.ServerConnector;
            import io.opentelemetry.api.OpenTelemetry;
            """;

    /** One example: where it is and its code. */
    record Example(String where, String code) {
    }

    @Test
    void everyJavaExampleInTheJavadocCompiles() throws IOException {
        List<Example> examples = examples();
        assertThat(examples).as("the examples found").hasSizeGreaterThanOrEqualTo(8);

        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            sources.add(source("Example" + i, examples.get(i)));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("javadoc-examples");
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path"),
                    "-proc:none", "-Xlint:none");
            javac.getTask(null, files, diagnostics, options, null, sources).call();
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                int index = Integer.parseInt(d.getSource().getName().replaceAll("\\D", ""));
                errors.add(examples.get(index).where() + ": " + d.getMessage(null));
            }
        }
        assertThat(errors).as("examples that do not compile").isEmpty();
    }

    private static List<Example> examples() throws IOException {
        List<Example> found = new ArrayList<>();
        for (String module : PublishedModules.list()) {
            try (Stream<Path> paths = Files.walk(PublishedModules.mainSources(module))) {
                for (Path file : paths.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    Matcher m = EXAMPLE.matcher(Files.readString(file));
                    while (m.find()) {
                        String code = m.group(1).replaceAll("(?m)^\\s*\\* ?", "");
                        if (!code.startsWith("java ") && !code.startsWith("mvn ")) {
                            found.add(new Example(file.toString(), code));
                        }
                    }
                }
            }
        }
        return found;
    }

    private static JavaFileObject source(String className, Example example) {
        String text = PROLOGUE + "class " + className + " {\n"
                + "    ClientTransport transport;\n"
                + "    HubHandler myHandler;\n"
                + "    Handler yourOtherHandler;\n"
                + "    String currentToken() { return \"\"; }\n"
                + "    OpenTelemetry openTelemetry;\n"
                + "    String secret;\n"
                + "    Scheduler scheduler;\n"
                + "    static void assertEquals(Object expected, Object actual) { }\n"
                + "    void example() throws Exception {\n" + example.code() + "\n    }\n}\n";
        return new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        };
    }
}
