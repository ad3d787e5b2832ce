package com.valoratbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The admin commands' logging set up in code stays what app-worker's logback.xml says at WARN. */
class AdminLogConfiguratorTest {

    @Test
    void theCodeSetsUpTheSameLevelsAppenderPatternAndFilterAsLogbackXmlAtWarn() throws JoranException {
        LoggerContext fromXml = new LoggerContext();
        fromXml.putProperty("valoratbot.log.level", "WARN");
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(fromXml);
        joran.doConfigure(AdminLogConfiguratorTest.class.getClassLoader().getResource("logback.xml"));
        LoggerContext fromCode = new LoggerContext();
        AdminLogConfigurator.apply(fromCode, Level.WARN);

        assertThat(levels(fromCode)).isEqualTo(levels(fromXml)).containsEntry("ROOT", Level.WARN);
        assertThat(console(fromCode).getTarget()).isEqualTo(console(fromXml).getTarget());
        assertThat(pattern(fromCode)).isEqualTo(pattern(fromXml));
        assertThat(fromCode.getTurboFilterList())
                .extracting(f -> f.getClass().getName())
                .isEqualTo(fromXml.getTurboFilterList().stream()
                        .map(f -> f.getClass().getName())
                        .toList());
    }

    @Test
    void itStepsAsideUnlessTheLauncherRunsAnAdminCommand() {
        String before = System.getProperty(AdminLogConfigurator.ADMIN_PROPERTY);
        System.clearProperty(AdminLogConfigurator.ADMIN_PROPERTY);
        try {
            LoggerContext context = new LoggerContext();
            AdminLogConfigurator configurator = new AdminLogConfigurator();
            configurator.setContext(context);
            assertThat(configurator.configure(context))
                    .isEqualTo(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders())
                    .isExhausted();
        } finally {
            if (before != null) System.setProperty(AdminLogConfigurator.ADMIN_PROPERTY, before);
        }
    }

    /** Every logger given a level, by name. */
    private static Map<String, Level> levels(LoggerContext context) {
        Map<String, Level> out = new TreeMap<>();
        for (Logger l : context.getLoggerList()) if (l.getLevel() != null) out.put(l.getName(), l.getLevel());
        return out;
    }

    private static ConsoleAppender<?> console(LoggerContext context) {
        return (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
    }

    private static String pattern(LoggerContext context) {
        return ((PatternLayoutEncoder) console(context).getEncoder()).getPattern();
    }
}
