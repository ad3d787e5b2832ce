package com.valoratbot.core;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Core is the domain: infrastructure libraries live in adapters and apps, never here. */
class CoreStaysPureTest {

    @Test
    void coreDependsOnNoInfrastructureLibrary() {
        var core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.valoratbot.core");
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "net.dv8tion..", "com.sedmelluq..", "dev.arbjerg..", "dev.lavalink..", "club.minnced..",
                        "java.sql..", "javax.sql..", "org.jooq..", "com.zaxxer..", "org.flywaydb..", "org.postgresql..",
                        "com.google.inject..", "picocli..")
                .because("core must stay free of JDA, JDBC/jOOQ/Hikari/Flyway, Guice and Lavaplayer")
                .check(core);
    }

    @Test
    void coreReadsTheTimeOnlyThroughAnInjectedClock() {
        var core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.valoratbot.core");
        noClasses().should().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.lang.System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.LocalDateTime.class, "now")
                .orShould().callMethod(java.time.ZonedDateTime.class, "now")
                .because("time comes in through a Clock so tests can set it")
                .check(core);
    }
}
