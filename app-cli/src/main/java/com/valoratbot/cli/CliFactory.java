package com.valoratbot.cli;

import java.util.Map;
import picocli.CommandLine;

/** Hands every subcommand the environment it runs in (the process's, or a test's). */
final class CliFactory implements CommandLine.IFactory {

    private final Map<String, String> env;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CliFactory(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        K instance = fallback.create(type);
        if (instance instanceof DatabaseCommand c) c.environment(env);
        if (instance instanceof WorkerCommand w) w.environment(env);
        return instance;
    }
}
