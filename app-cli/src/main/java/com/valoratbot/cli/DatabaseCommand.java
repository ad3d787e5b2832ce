package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.worker.DatabaseConfig;
import com.valoratbot.worker.Settings;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

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
        // Every option is checked before the database is even opened: a typo never half-acts.
        validate();
        DatabaseSettings configured = DatabaseConfig.from(Settings.load(env));
        // Only `migrate` (and the worker) change the schema: "check first" with doctor must not
        // create tables in production.
        DatabaseSettings.Builder builder = configured.toBuilder().migrate(migrates());
        // One connection is all an admin command uses at a time (LISTEN has its own, outside the
        // pool): a pool of 10 keeps a second one open from the start, a second password log-in
        // (SCRAM) on a CPU a CLI call's 1 s shares with it. Flyway's migrate keeps the configured pool.
        if (!migrates()) builder.poolSize(1);
        DatabaseSettings settings = builder.build();
        try (Database db = Database.open(settings)) {
            return run(db, CommandAdmin.on(db));
        }
    }

    /**
     * Checks what picocli cannot (option combinations, JSON text); throws
     * {@link picocli.CommandLine.ParameterException} for exit code 2.
     */
    void validate() {}

    /** Whether this command applies the migrations; only {@code migrate} does. */
    boolean migrates() {
        return false;
    }

    abstract int run(Database db, CommandAdmin admin) throws Exception;
}
