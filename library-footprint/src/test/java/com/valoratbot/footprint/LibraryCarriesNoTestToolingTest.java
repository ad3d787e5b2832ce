package com.valoratbot.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a bot that embeds the library downloads: the runtime dependency list of this module, whose
 * dependencies are exactly the library's modules (see pom.xml), as maven-dependency-plugin wrote it
 * during this build. Test tooling stays with the sandbox, the CLI and the tests.
 */
class LibraryCarriesNoTestToolingTest {

    /** groupId:artifactId:type[:classifier]:version:scope, as {@code dependency:list} writes each line. */
    private static final Pattern ARTIFACT = Pattern.compile(
            "^\\s+([\\w.\\-]+):([\\w.\\-]+):[\\w.\\-]+(?::[\\w.\\-]+)?:[\\w.\\-]+:(compile|runtime)\\b.*");

    /** Why each is test tooling, and where it lives instead. */
    private static final List<Banned> TEST_TOOLING = List.of(
            new Banned("io.zonky.test", "", "the embedded PostgreSQL and its binaries (module embedded-database)"),
            new Banned("com.valoratbot", "embedded-database", "the sandbox's PostgreSQL"),
            new Banned("com.valoratbot", "discord-stand-in", "the Discord stand-in (tests, benchmarks, the sandbox)"),
            new Banned("org.eclipse.jetty", "", "Jetty (the stand-in's server)"));

    /** A group and its sub-groups ({@code org.eclipse.jetty} covers {@code org.eclipse.jetty.websocket}); every artifact unless one is named. */
    private record Banned(String group, String artifactId, String why) {
        boolean matches(Artifact a) {
            return (a.groupId().equals(group) || a.groupId().startsWith(group + "."))
                    && (artifactId.isEmpty() || a.artifactId().equals(artifactId));
        }
    }

    private record Artifact(String groupId, String artifactId, String line) {}

    private static List<Artifact> libraryRuntime() throws IOException {
        Path list =
                Path.of(System.getProperty("libraryRuntimeDependencies", "target/library-runtime-dependencies.txt"));
        return Files.readAllLines(list).stream()
                .map(ARTIFACT::matcher)
                .filter(Matcher::matches)
                .map(m -> new Artifact(m.group(1), m.group(2), m.group(0).strip()))
                .toList();
    }

    @Test
    void theListHoldsTheLibrarysModulesAndWhatTheyNeedAtRuntime() throws IOException {
        // Guards the check below against an empty or unreadable list passing it.
        assertThat(libraryRuntime())
                .extracting(Artifact::artifactId)
                .contains(
                        "valoratbot-library",
                        "core",
                        "migrations",
                        "adapters-supabase",
                        "adapters-discord",
                        "JDA",
                        "HikariCP",
                        "postgresql");
    }

    @Test
    void aBotThatEmbedsTheLibraryDownloadsNeitherTheEmbeddedPostgresNorTheStandInNorJetty() throws IOException {
        List<String> tooling = libraryRuntime().stream()
                .flatMap(a -> TEST_TOOLING.stream()
                        .filter(b -> b.matches(a))
                        .limit(1)
                        .map(b -> a.line() + " (" + b.why() + ")"))
                .toList();
        assertThat(tooling)
                .as("test tooling on the library's runtime classpath")
                .isEmpty();
    }
}
