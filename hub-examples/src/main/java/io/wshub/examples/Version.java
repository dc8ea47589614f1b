package io.wshub.examples;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What {@code -V} / {@code --version} prints, for the jar and each of its commands: the project
 * version Maven wrote into {@code version.properties} when it built the jar (so it is the same run
 * from the jar or from the build's classes).
 */
public final class Version implements CommandLine.IVersionProvider {

    /** The version of the examples, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "(development build)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(development build)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"wshub examples " + current()};
    }
}
