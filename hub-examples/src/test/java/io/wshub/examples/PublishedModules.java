package io.wshub.examples;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The published modules, as the BOM lists them (the one list: {@link BomTest} checks it against
 * the reactor), and the POM reading the release tests share. The tests run in hub-examples, so the
 * repository's root is {@code ..}.
 */
final class PublishedModules {

    static final Path ROOT = Path.of("..");

    private PublishedModules() {
    }

    /** The artifact ids the BOM manages, in its order. */
    static List<String> list() {
        List<String> modules = new ArrayList<>();
        for (Element dependency : elements(pom(ROOT.resolve("hub-bom/pom.xml")), "dependencyManagement", "dependency")) {
            modules.add(text(dependency, "artifactId"));
        }
        return modules;
    }

    /** The source root of a module's main code. */
    static Path mainSources(String module) {
        return ROOT.resolve(module).resolve("src/main/java");
    }

    static Document pom(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new AssertionError("cannot read " + file + ": " + e, e);
        }
    }

    /** The {@code name} elements under the first {@code section} element of the POM. */
    static List<Element> elements(Document pom, String section, String name) {
        List<Element> found = new ArrayList<>();
        NodeList sections = pom.getDocumentElement().getElementsByTagName(section);
        if (sections.getLength() > 0) {
            NodeList nodes = ((Element) sections.item(0)).getElementsByTagName(name);
            for (int i = 0; i < nodes.getLength(); i++) {
                found.add((Element) nodes.item(i));
            }
        }
        return found;
    }

    /** The text of the first {@code name} child of {@code element}, or empty. */
    static String text(Element element, String name) {
        NodeList nodes = element.getElementsByTagName(name);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }
}
