package com.valoratbot.worker;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.valoratbot.core.port.RememberLocks;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.supabase.PostgresLockMemory;
import com.valoratbot.supabase.PostgresQueue;

/** Postgres: the embedded default or {@code DATABASE_URL}, the queue on it, and the lock memory. */
final class DatabaseModule extends AbstractModule {

    /**
     * Guice, creating the eager singletons of a production injector, asks again for a provider
     * that failed, once per singleton that depends on it: a database that cannot be opened was
     * opened (and waited for) a dozen times before start-up gave up. The first failure is kept.
     */
    private RuntimeException openFailure;

    @Provides
    @Singleton
    Database database(DatabaseSettings settings, Lifecycle lifecycle) {
        if (openFailure != null) throw openFailure;
        try {
            return lifecycle.manage(Database.openWhenReachable(settings));
        } catch (RuntimeException e) {
            openFailure = e;
            throw e;
        }
    }

    @Provides
    @Singleton
    PostgresQueue queue(Database db, WorkerConfig config, Settings settings, Lifecycle lifecycle) {
        return lifecycle.manage(QueueConfig.from(settings).applyTo(PostgresQueue.builder(db))
                .lease(config.lease()).pollInterval(config.pollInterval()).build());
    }

    @Provides
    @Singleton
    RememberLocks lockMemory(Database db) {
        return PostgresLockMemory.on(db);
    }
}
