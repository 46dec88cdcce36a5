package io.syncsqlite.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a team needs to adopt the jars, checked on the jars this build made: a licence, one version with its changelog
 * entry, and for every library jar its sources and javadoc jars and an {@code Automatic-Module-Name} of its own. The
 * library modules are built before this one, so their jars exist when it runs in the default build.
 */
class ReleaseArtifactsIT {
    private static final List<String> LIBRARIES = List.of("driver", "transport-nas", "transport-hub-client", "transport-http", "transport-ws", "hub");

    @Test
    void theRepositoryHasALicenceAndOneVersionWithItsChangelogEntry() throws IOException {
        String licence = Files.readString(root().resolve("LICENSE"));
        assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0"), "LICENSE is the Apache License 2.0");
        String version = version();
        assertFalse(version.startsWith("0.1.0"), "a version of its own, not the archetype's: " + version);
        String released = version.replace("-SNAPSHOT", "");
        assertTrue(Files.readString(root().resolve("CHANGELOG.md")).contains("## [" + released + "]"), "CHANGELOG.md has a section for " + released);
    }

    @Test
    void everyLibraryJarHasSourcesJavadocAndAModuleNameOfItsOwn() throws IOException {
        String version = version();
        Map<String, String> moduleNames = new HashMap<>();
        for (String module : LIBRARIES) {
            Path target = root().resolve(module).resolve("target");
            String artifact = "syncsqlite-" + module + "-" + version;
            Path jar = target.resolve(artifact + ".jar");
            assertTrue(Files.exists(jar), "the build made " + jar + " (run through the reactor: mvn -B -ntp verify)");
            assertTrue(Files.exists(target.resolve(artifact + "-sources.jar")), "sources jar of " + module);
            assertTrue(Files.exists(target.resolve(artifact + "-javadoc.jar")), "javadoc jar of " + module);
            try (JarFile j = new JarFile(jar.toFile())) {
                String name = j.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
                assertTrue(name != null && name.startsWith("io.syncsqlite."), module + "'s Automatic-Module-Name: " + name);
                String before = moduleNames.put(name, module);
                assertEquals(null, before, "two jars share the module name " + name);
            }
        }
    }

    /** The version of the parent pom, which every module shares. */
    private static String version() throws IOException {
        Matcher m = Pattern.compile("<artifactId>syncsqlite-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(root().resolve("pom.xml")));
        assertTrue(m.find(), "the parent pom's version");
        return m.group(1);
    }

    private static Path root() {
        return DocSnippetsIT.root();
    }
}
