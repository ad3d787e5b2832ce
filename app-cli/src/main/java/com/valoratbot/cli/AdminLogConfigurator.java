package com.valoratbot.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import com.valoratbot.worker.DatabaseOutageLogFilter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The logging of an admin command (every subcommand but {@code worker}), set up in code: the same
 * appender, pattern, filter and levels as app-worker's {@code logback.xml} at WARN, without parsing
 * it. Logback's XML configuration (a SAX parse and its model) cost a tenth of an {@code ls} call's
 * CPU, measured, against the call's 1 s target (docs/benchmarks.md, "Start-up").
 *
 * <p>Found by logback through {@code META-INF/services}; it acts only when {@link ValoratbotCli#main}
 * says the process runs an admin command, and steps aside when {@code -Dlogback.configurationFile}
 * names a file of the operator's own. {@code AdminLogConfiguratorTest} keeps it equal to the XML.
 */
public final class AdminLogConfigurator extends ContextAwareBase implements Configurator {

    /** Set by {@link ValoratbotCli#main} for an admin command. */
    static final String ADMIN_PROPERTY = "valoratbot.cli.admin";

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    /** Every logger logback.xml gives a level, with that level (why each: see the XML). */
    static final Map<String, Level> LEVELS = levels();

    private static Map<String, Level> levels() {
        Map<String, Level> m = new LinkedHashMap<>();
        m.put("net.dv8tion", Level.WARN);
        m.put("net.dv8tion.jda.api.JDA", Level.INFO);
        m.put("net.dv8tion.jda.api.audio.dave.DaveSessionFactory", Level.ERROR);
        m.put("com.zaxxer.hikari", Level.WARN);
        m.put("org.flywaydb", Level.WARN);
        m.put("io.zonky", Level.WARN);
        m.put("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", Level.OFF);
        m.put("org.eclipse.jetty", Level.WARN);
        m.put("org.jooq", Level.WARN);
        m.put("org.jooq.impl.DefaultExecuteContext.logVersionSupport", Level.ERROR);
        m.put("com.github.kagkarlsson", Level.WARN);
        m.put("com.sedmelluq.discord.lavaplayer.source.twitch", Level.ERROR);
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (!Boolean.getBoolean(ADMIN_PROPERTY) || System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, Level.toLevel(System.getProperty("valoratbot.log.level"), Level.WARN));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** What logback.xml sets up, with {@code root} as the root level. */
    static void apply(LoggerContext context, Level root) {
        DatabaseOutageLogFilter outages = new DatabaseOutageLogFilter();
        outages.setContext(context);
        outages.start();
        context.addTurboFilter(outages);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        // stderr: the CLI's stdout is its output (JSON for pipes).
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        Logger rootLogger = context.getLogger(Logger.ROOT_LOGGER_NAME);
        rootLogger.setLevel(root);
        rootLogger.addAppender(console);
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }
}
