package io.wshub.examples;

import org.opentest4j.TestAbortedException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The npm package {@code ws} for the Node tests: the node_modules folder named by
 * {@code WSHUB_NODE_MODULES} when set, else {@code target/node-ws/node_modules}, where it is installed
 * with {@code npm install --no-save ws@8} once per clean build (offline, the anchors harness's copy
 * serves). When there is none the test is skipped, except under {@code CI=true}, where that fails it.
 */
final class NodeWsPackage {

    static final Path INSTALLED = Path.of("target/node-ws").toAbsolutePath();
    private static final Path ANCHORS = Path.of("/tmp/anchors/node/node_modules");
    // npm fetches ws (one package, no dependencies) in seconds; the rest is for a slow registry.
    private static final long INSTALL_TIMEOUT_SECONDS = 120;

    private NodeWsPackage() {
    }

    /** A node_modules folder that holds {@code ws}: found, or installed now. */
    static synchronized Path nodeModules() throws Exception {
        String given = System.getenv("WSHUB_NODE_MODULES");
        if (given != null && !given.isBlank()) {
            return holdingWs(Path.of(given), "WSHUB_NODE_MODULES=" + given + " has no ws package");
        }
        Path installed = INSTALLED.resolve("node_modules");
        if (Files.isDirectory(installed.resolve("ws"))) {
            return installed;
        }
        String problem = install();
        if (problem == null) {
            return holdingWs(installed, "npm ended without installing ws in " + installed);
        }
        // Offline, a copy the machine already has still lets the test run.
        return holdingWs(ANCHORS, "the npm package ws could not be installed: " + problem);
    }

    private static Path holdingWs(Path modules, String otherwise) {
        if (Files.isDirectory(modules.resolve("ws"))) {
            return modules;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(otherwise + "; CI=true, so the Node tests may not be skipped");
        }
        System.err.println("SKIPPED a Node test: " + otherwise);
        throw new TestAbortedException(otherwise);
    }

    /** Runs npm; null when it succeeded, else what went wrong with its output. */
    private static String install() throws InterruptedException, IOException {
        Files.createDirectories(INSTALLED);
        File output = Files.createTempFile("wshub-npm", ".txt").toFile();
        try {
            Process npm;
            try {
                npm = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund",
                        "--prefix", INSTALLED.toString(), "ws@8")
                        .redirectErrorStream(true).redirectOutput(output).start();
            } catch (IOException e) {
                return "npm not found (" + e.getMessage() + "): install npm with Node.js";
            }
            if (!npm.waitFor(INSTALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                return "npm did not end within " + INSTALL_TIMEOUT_SECONDS + " s:\n" + Files.readString(output.toPath());
            }
            return npm.exitValue() == 0 ? null
                    : "npm exited with " + npm.exitValue() + ":\n" + Files.readString(output.toPath());
        } finally {
            output.delete();
        }
    }
}
