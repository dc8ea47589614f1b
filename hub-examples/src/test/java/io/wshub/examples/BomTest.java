package io.wshub.examples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static io.wshub.examples.PublishedModules.ROOT;
import static io.wshub.examples.PublishedModules.elements;
import static io.wshub.examples.PublishedModules.pom;
import static io.wshub.examples.PublishedModules.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * hub-bom lists every published module at the project's version, and nothing else: every module of
 * the reactor but the BOM itself and the applications (a module whose POM sets
 * {@code wshub.application}). The parent manages the same wshub modules for the reactor.
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
