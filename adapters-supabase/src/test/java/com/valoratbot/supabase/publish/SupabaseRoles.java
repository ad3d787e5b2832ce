package com.valoratbot.supabase.publish;

import com.valoratbot.supabase.TestDatabase;

/**
 * Supabase's public roles on a plain PostgreSQL, as Supabase sets them up: {@code anon} and {@code authenticated}
 * (no login; PostgREST switches to them), usage of the public schema, and default privileges that give them
 * everything on every table the {@code postgres} role creates there. A migration that forgets to take the write
 * privileges back leaves its tables writable by the public key, as on Supabase.
 */
final class SupabaseRoles {

    private SupabaseRoles() {}

    /** Creates the roles (cluster-wide, once) and this database's default privileges; call before migrating. */
    static void install(TestDatabase db) {
        db.execute("""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
                EXCEPTION WHEN duplicate_object THEN NULL;
                END
                $$""");
        db.execute("GRANT USAGE ON SCHEMA public TO anon, authenticated");
        db.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated");
    }
}
