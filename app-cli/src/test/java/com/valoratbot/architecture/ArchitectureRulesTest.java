package com.valoratbot.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The floor plan (issue 8): core is the domain and reaches no infrastructure, its command model
 * reaches no port and no use case, adapters know core but not each other, the stand-in or core's
 * use cases, and nobody leans on JDA's internals.
 *
 * <p>This module's test classpath holds every production module but the benchmarks, so every rule
 * sees all of them. Test classes (test-classes directories, test jars, the test fixtures) are not
 * production and are left out.
 *
 * <p>No rule has an exception: the last offenders (moderation and purge, on JDA's internal
 * {@code RestActionImpl}) now send the requests JDA's public API cannot make through the Discord
 * adapter's own {@code DiscordRest}.
 */
class ArchitectureRulesTest {

    private static final String[] ADAPTERS = {
        "com.valoratbot.discord..", "com.valoratbot.supabase..", "com.valoratbot.metrics.."
    };

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            // Maven's test-classes under any build directory (-Dbuild.dir.name), test jars, the test fixtures.
            .withImportOption(location -> !location.contains("/test-classes/")
                    && !location.contains("-tests.jar")
                    && !location.contains("test-fixtures"))
            .importPackages("com.valoratbot");

    @Test
    void theRulesSeeEveryProductionModule() {
        Set<String> packages =
                PRODUCTION.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
        assertThat(packages)
                .contains(
                        "com.valoratbot.core.run",
                        "com.valoratbot.discord",
                        "com.valoratbot.supabase",
                        "com.valoratbot.metrics",
                        "com.valoratbot.standin",
                        "com.valoratbot.embedded",
                        "com.valoratbot.worker",
                        "com.valoratbot.cli");
        assertThat(PRODUCTION.stream().map(JavaClass::getSimpleName))
                .as("no test class")
                .doesNotContain("TestDatabase", "ArchitectureRulesTest");
    }

    @Test
    void coreDependsOnNoInfrastructureLibrary() {
        noClasses()
                .that()
                .resideInAPackage("com.valoratbot.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "net.dv8tion..",
                        "com.sedmelluq..",
                        "dev.arbjerg..",
                        "dev.lavalink..",
                        "club.minnced..",
                        "java.sql..",
                        "javax.sql..",
                        "org.jooq..",
                        "com.zaxxer..",
                        "org.flywaydb..",
                        "org.postgresql..",
                        "com.google.inject..",
                        "picocli..",
                        "io.micrometer..",
                        "com.sun.net.httpserver..")
                .because("core must stay free of JDA, JDBC/jOOQ/Hikari/Flyway, Guice, Lavaplayer and Micrometer")
                .check(PRODUCTION);
    }

    @Test
    void coreReadsTheTimeOnlyThroughAnInjectedClock() {
        noClasses()
                .that()
                .resideInAPackage("com.valoratbot.core..")
                .should()
                .callMethod(java.time.Instant.class, "now")
                .orShould()
                .callMethod(java.lang.System.class, "currentTimeMillis")
                .orShould()
                .callMethod(java.time.LocalDateTime.class, "now")
                .orShould()
                .callMethod(java.time.ZonedDateTime.class, "now")
                .because("time comes in through a Clock so tests can set it")
                .check(PRODUCTION);
    }

    @Test
    void theCommandModelNeverReachesThePortsOrTheUseCases() {
        noClasses()
                .that()
                .resideInAPackage("com.valoratbot.core.command..")
                .should()
                .transitivelyDependOnClassesThat()
                .resideInAnyPackage("com.valoratbot.core.port..", "com.valoratbot.core.run..")
                .because("a command is a value parsed from a payload: what runs it depends on it, never the other way")
                .check(PRODUCTION);
    }

    @Test
    void theDiscordAdapterImportsNeitherThePostgresAdapterNorTheStandIn() {
        noClasses()
                .that()
                .resideInAPackage("com.valoratbot.discord..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.valoratbot.supabase..", "com.valoratbot.embedded..", "com.valoratbot.standin..")
                .because("adapters meet only in core's ports; the stand-in is test tooling")
                .check(PRODUCTION);
    }

    @Test
    void thePostgresAdapterImportsNeitherTheDiscordAdapterNorTheStandInNorTheEmbeddedDatabase() {
        noClasses()
                .that()
                .resideInAPackage("com.valoratbot.supabase..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.valoratbot.discord..", "com.valoratbot.embedded..", "com.valoratbot.standin..")
                .because(
                        "adapters meet only in core's ports; the embedded database is found through the EmbeddedDatabase interface")
                .check(PRODUCTION);
    }

    @Test
    void theMetricsAdapterKnowsNeitherDiscordNorTheDatabase() {
        noClasses()
                .that()
                .resideInAPackage("com.valoratbot.metrics..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.valoratbot.discord..",
                        "com.valoratbot.supabase..",
                        "com.valoratbot.standin..",
                        "net.dv8tion..",
                        "java.sql..",
                        "javax.sql..")
                .because(
                        "its figures come through core's ports and plain values the library fills (docs/operations.md)")
                .check(PRODUCTION);
    }

    @Test
    void adaptersNeverUseCoresUseCases() {
        noClasses()
                .that()
                .resideInAnyPackage(ADAPTERS)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.valoratbot.core.run..")
                .because(
                        "adapters implement core's ports (core.port); the use cases (core.run) are assembled by the apps")
                .check(PRODUCTION);
    }

    @Test
    void nothingReachesIntoJdasInternals() {
        noClasses()
                .that()
                .resideInAPackage("com.valoratbot..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("net.dv8tion.jda.internal..")
                .because("JDA's internals change without notice between versions")
                .check(PRODUCTION);
    }
}
