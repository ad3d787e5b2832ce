package com.valoratbot.worker;

import com.valoratbot.supabase.TestDatabase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole sandbox worker as {@code ./valoratbot worker --sandbox} starts it (the stand-in in
 * process, real JDA and Lavaplayer), on this class's own migrated database, for a test class.
 *
 * <pre>{@code
 * @RegisterExtension static final SandboxWorker sandbox = SandboxWorker.create().set("VALORATBOT_GUILD_RATE", "100000");
 * static final TestDatabase db = sandbox.db();
 * }</pre>
 *
 * It owns its {@link TestDatabase} (created before the worker starts, dropped after it stops), so the
 * two never depend on the order JUnit registers extensions in. Results' reasons are in English.
 */
public final class SandboxWorker implements BeforeAllCallback, AfterAllCallback {

    private final TestDatabase db = new TestDatabase();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Consumer<TestDatabase> beforeStart = database -> {};
    private WorkerApp app;

    private SandboxWorker() {
        settings.put("DATABASE_USER", "postgres");
        settings.put("VALORATBOT_SANDBOX_PORT", "0");
        settings.put("VALORATBOT_LANGUAGE", "en");
    }

    public static SandboxWorker create() {
        return new SandboxWorker();
    }

    /** One more setting, as the environment variable the worker reads. */
    public SandboxWorker set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** Runs on the migrated database before the worker starts (a table of the dashboard's, a log appender). */
    public SandboxWorker beforeStart(Consumer<TestDatabase> step) {
        beforeStart = beforeStart.andThen(step);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        db.beforeAll(context);
        db.open().close(); // created and migrated before the worker starts
        beforeStart.accept(db);
        app = WorkerApp.start(Settings.of(env()), true);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (app != null) app.close();
        } finally {
            db.afterAll(context);
        }
    }

    /** The worker's settings, DATABASE_URL included: what the CLI needs to reach the same database. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>(settings);
        env.put("DATABASE_URL", db.jdbcUrl());
        return env;
    }

    public TestDatabase db() {
        return db;
    }

    /** The running worker. */
    public WorkerApp app() {
        if (app == null) throw new IllegalStateException("the sandbox worker is not running (register the extension)");
        return app;
    }
}
