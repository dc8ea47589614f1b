package io.wshub.examples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.wshub.examples.PublishedModules.ROOT;
import static io.wshub.examples.PublishedModules.elements;
import static io.wshub.examples.PublishedModules.pom;
import static io.wshub.examples.PublishedModules.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * hub-bom lists every published module at the project's version, and nothing else: every module of
 * the reactor but the BOM itself and the applications (a module whose POM sets
 * {@code wshub.application}). The parent manages the same wshub modules for the reactor; the
 * README's snippet and the consumer project import the BOM at the project's version.
 */
class BomTest {

    private final Document parent = pom(ROOT.resolve("pom.xml"));
    private final Document bom = pom(ROOT.resolve("hub-bom/pom.xml"));

    @Test
    void theBomListsEveryLibraryOfTheReactorAndNoApplication() throws Exception {
        List<String> libraries = new ArrayList<>();
        for (Element module : elements(parent, "modules", "module")) {
            String name = module.getTextContent().trim();
            String pom = Files.readString(ROOT.resolve(name).resolve("pom.xml"));
            if (!name.equals("hub-bom") && !pom.contains("<wshub.application>true</wshub.application>")) {
                libraries.add(name);
            }
        }
        assertThat(libraries).contains("hub-core", "hub-jetty", "hub-operations", "hub-client").doesNotContain("hub-examples", "hub-bench");
        assertThat(PublishedModules.list()).containsExactlyInAnyOrderElementsOf(libraries);
    }

    @Test
    void theBomHasTheProjectsVersionAndManagesOnlyWshubModulesAtIt() {
        String version = text(parent.getDocumentElement(), "version");
        assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(version);
        for (Element dependency : elements(bom, "dependencyManagement", "dependency")) {
            assertThat(text(dependency, "groupId")).isEqualTo("io.wshub");
            assertThat(text(dependency, "version")).isEqualTo("${project.version}");
        }
    }

    @Test
    void theReadmeAndTheConsumerProjectUseTheBomAtTheProjectsVersion() throws Exception {
        String version = text(parent.getDocumentElement(), "version");
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher snippet = Pattern.compile("```xml\\n(<dependencyManagement>.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(snippet.find()).as("README.md's dependency snippet").isTrue();
        Document readmePom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader("<project>" + snippet.group(1) + "</project>")));
        Document consumer = pom(ROOT.resolve("consumer-test/pom.xml"));

        assertThat(text(consumer.getDocumentElement(), "wshub.version")).isEqualTo(version);
        assertThat(text(elements(readmePom, "dependencyManagement", "dependency").get(0), "version")).isEqualTo(version);
        for (Document project : List.of(readmePom, consumer)) {
            List<Element> imports = elements(project, "dependencyManagement", "dependency");
            assertThat(imports).hasSize(1);
            assertThat(text(imports.get(0), "artifactId")).isEqualTo("hub-bom");
            assertThat(text(imports.get(0), "scope")).isEqualTo("import");
        }
        assertThat(wshubDependencies(consumer)).containsExactlyElementsOf(wshubDependencies(readmePom))
                .contains("hub-jetty", "hub-operations", "hub-client");
    }

    /** The wshub modules a project depends on (outside its dependency management), none with a version. */
    private static List<String> wshubDependencies(Document project) {
        List<String> modules = new ArrayList<>();
        NodeList dependencies = project.getDocumentElement().getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            boolean managed = dependency.getParentNode().getParentNode().getNodeName().equals("dependencyManagement");
            if (!managed && text(dependency, "groupId").equals("io.wshub")) {
                assertThat(text(dependency, "version")).as("the version of %s comes from the BOM", text(dependency, "artifactId")).isEmpty();
                modules.add(text(dependency, "artifactId"));
            }
        }
        return modules;
    }

    @Test
    void theParentManagesTheSameWshubModulesAsTheBom() {
        List<String> managed = new ArrayList<>();
        for (Element dependency : elements(parent, "dependencyManagement", "dependency")) {
            if (text(dependency, "groupId").equals("io.wshub")) {
                managed.add(text(dependency, "artifactId"));
            }
        }
        assertThat(managed).containsExactlyInAnyOrderElementsOf(PublishedModules.list());
    }
}
