package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.worker.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A subcommand that works on the command table: it opens the same database the worker uses
 * ({@code DATABASE_URL}, or the embedded one in the data directory, attaching to it when a
 * sandbox worker is already running on it).
 */
abstract class DatabaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private Map<String, String> env = Map.of();

    void environment(Map<String, String> env) {
        this.env = env;
    }

    Map<String, String> env() {
        return env;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() throws Exception {
        DatabaseSettings settings = DatabaseSettings.fromEnvironment(Settings.load(env).asMap());
        try (Database db = Database.open(settings)) {
            return run(db, CommandAdmin.on(db));
        }
    }

    abstract int run(Database db, CommandAdmin admin) throws Exception;
}
