package com.valoratbot.supabase;

import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@link TestPostgres} (one embedded server per JVM, a fresh database per class) with what is typed
 * by this adapter: settings for it and a migrated {@link Database}.
 *
 * <pre>{@code
 * @RegisterExtension static final TestDatabase db = new TestDatabase();
 * ...
 * Database database = db.open();                      // migrated, closed after the class
 * Database other = db.open(s -> s.table("command_queue"));
 * }</pre>
 *
 * or, for the queue's tests, opened before the class and emptied before each test:
 * {@code TestDatabase.migrated().emptiedBeforeEach("commands", "valoratbot.claims")}, then {@link #database()}.
 */
public final class TestDatabase extends TestPostgres implements BeforeEachCallback {

    private final boolean openBeforeAll;
    private final UnaryOperator<DatabaseSettings.Builder> adjustBeforeAll;
    private final List<String> emptied = new ArrayList<>();
    private Database database;

    public TestDatabase() {
        this(false, UnaryOperator.identity());
    }

    private TestDatabase(boolean openBeforeAll, UnaryOperator<DatabaseSettings.Builder> adjustBeforeAll) {
        this.openBeforeAll = openBeforeAll;
        this.adjustBeforeAll = adjustBeforeAll;
    }

    /** Opened and migrated before the class's tests: {@link #database()}. */
    public static TestDatabase migrated() {
        return migrated(UnaryOperator.identity());
    }

    /** As {@link #migrated()}, with these settings (a larger pool for several workers in one JVM, ...). */
    public static TestDatabase migrated(UnaryOperator<DatabaseSettings.Builder> adjust) {
        return new TestDatabase(true, adjust);
    }

    /** Deletes every row of these tables before each test, in this order. */
    public TestDatabase emptiedBeforeEach(String... tables) {
        emptied.addAll(List.of(tables));
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        super.beforeAll(context);
        if (openBeforeAll) database = open(adjustBeforeAll);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (String table : emptied) execute("DELETE FROM " + table);
    }

    /** The database {@link #migrated()} opened for the class. */
    public Database database() {
        if (database == null)
            throw new IllegalStateException("not opened before the class: use TestDatabase.migrated()");
        return database;
    }

    /** Another empty database for this class (dropped after it); returns its settings, to adjust and build. */
    public DatabaseSettings.Builder newDatabase() {
        return DatabaseSettings.builder().url(newDatabaseUrl()).user("postgres").poolSize(3);
    }

    /** Settings for this class's database (user postgres, default table), to adjust and build. */
    public DatabaseSettings.Builder settings() {
        return DatabaseSettings.builder().url(jdbcUrl()).user("postgres").poolSize(5);
    }

    /** Opens (and migrates) this class's database; closed after the class. */
    public Database open() {
        return open(UnaryOperator.identity());
    }

    public Database open(UnaryOperator<DatabaseSettings.Builder> adjust) {
        return closeAfterAll(Database.open(adjust.apply(settings()).build()));
    }

    /**
     * Waits until some session of this class's database waits on a lock (a row lock held open by a
     * test's other connection): the step that makes a race deterministic.
     */
    public void awaitSomeoneWaitingOnALock(String what) {
        Eventually.within(
                Duration.ofSeconds(20),
                what,
                () -> count(
                                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                        > 0);
    }
}
