package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code doctor} on plain PostgreSQL set up as Supabase sets up a project: NOLOGIN roles {@code anon}
 * and {@code authenticated}, and default privileges that grant them ALL on every new table of
 * {@code public}. The exposure it reports is checked against what those roles can really do.
 */
class DoctorTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** A fresh database prepared like a Supabase project, then migrated (the migration creates {@code commands}). */
    private static Database supabaseLikeDatabase() {
        DatabaseSettings settings = db.newDatabase().build();
        String url = settings.jdbcUrl().orElseThrow();
        sql(url, """
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
                  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
                END $$;
                GRANT USAGE ON SCHEMA public TO anon, authenticated;
                ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated;
                ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated;
                """);
        return db.closeAfterAll(Database.open(settings));
    }

    private static void sql(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, "postgres", null);
                Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Inserts a command as {@code role} would through Supabase's API (SET ROLE on a superuser session). */
    private static void insertAs(Database database, String role) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("SET ROLE " + role);
            try {
                st.execute(
                        "INSERT INTO public.commands (guild_id, action, payload) VALUES ('1100000000000000001', 'purge', '{\"amount\":100}')");
            } finally {
                st.execute("RESET ROLE");
            }
        }
    }

    /** The SQL block docs/supabase.md recommends, exactly as an operator would copy it. */
    private static String recommendedPolicies() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "supabase.md"));
        Matcher m = Pattern.compile("<!-- recommended-policies:begin -->\\s*```sql\\n(.*?)```", Pattern.DOTALL)
                .matcher(doc);
        assertThat(m.find())
                .as("docs/supabase.md holds the recommended policies")
                .isTrue();
        return m.group(1);
    }

    @Test
    void underSupabasesDefaultGrantsBothApiRolesCanWriteTheTableAndDoctorSaysSoAndFails() throws SQLException {
        Database database = supabaseLikeDatabase();
        insertAs(database, "anon"); // the exposure is real, not a guess

        DoctorReport report = CommandAdmin.on(database).doctor();

        DoctorReport.Exposure exposure = report.exposure().orElseThrow();
        assertThat(exposure.rowLevelSecurity()).isFalse();
        assertThat(exposure.roles()).extracting(DoctorReport.RoleAccess::role).containsExactly("anon", "authenticated");
        assertThat(exposure.roles())
                .allSatisfy(r -> assertThat(r.insert() && r.update() && r.delete() && r.truncate())
                        .isTrue());
        assertThat(report.healthy()).isFalse();
        assertThat(report.problems())
                .anySatisfy(p -> assertThat(p).contains("anon role can INSERT/UPDATE/DELETE/TRUNCATE"));
        assertThat(String.join("\n", report.lines()))
                .contains("row-level security: off")
                .contains("supabase role authenticated: CAN INSERT");
    }

    @Test
    void theRecommendedPoliciesFromTheDocsCloseTheTableAndDoctorSeesIt() throws Exception {
        Database database = supabaseLikeDatabase();
        sql(database.settings().jdbcUrl().orElseThrow(), recommendedPolicies());
        // The operator's optional read-only policy for a live log does not count as exposure.
        sql(
                database.settings().jdbcUrl().orElseThrow(),
                "CREATE POLICY commands_read_for_dashboard ON public.commands FOR SELECT TO authenticated USING (true)");

        DoctorReport report = CommandAdmin.on(database).doctor();

        assertThat(report.exposure().orElseThrow().rowLevelSecurity()).isTrue();
        assertThat(report.exposure().orElseThrow().exposed()).isFalse();
        assertThat(report.problems()).noneSatisfy(p -> assertThat(p).containsIgnoringCase("supabase"));
        assertThat(String.join("\n", report.lines())).contains("supabase role anon: cannot insert, update or delete");
        assertThatThrownBy(() -> insertAs(database, "anon"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> insertAs(database, "authenticated")).isInstanceOf(SQLException.class);
    }

    @Test
    void underRowLevelSecurityAnInsertPolicyForARoleReopensTheTableToIt() throws Exception {
        Database database = supabaseLikeDatabase();
        String url = database.settings().jdbcUrl().orElseThrow();
        sql(url, "ALTER TABLE public.commands ENABLE ROW LEVEL SECURITY");
        sql(url, "REVOKE UPDATE, DELETE, TRUNCATE ON public.commands FROM anon, authenticated");

        DoctorReport closed = CommandAdmin.on(database).doctor();
        assertThat(closed.exposure().orElseThrow().exposed())
                .as("INSERT granted, but RLS without a policy stops it")
                .isFalse();
        assertThatThrownBy(() -> insertAs(database, "authenticated")).isInstanceOf(SQLException.class);

        sql(url, "CREATE POLICY anyone_inserts ON public.commands FOR INSERT TO authenticated WITH CHECK (true)");
        DoctorReport reopened = CommandAdmin.on(database).doctor();
        insertAs(database, "authenticated");
        assertThat(reopened.exposure().orElseThrow().roles())
                .filteredOn(r -> r.role().equals("authenticated"))
                .singleElement()
                .satisfies(r -> assertThat(r.insert()).isTrue());
        assertThat(reopened.exposure().orElseThrow().roles())
                .filteredOn(r -> r.role().equals("anon"))
                .singleElement()
                .satisfies(r -> assertThat(r.canWrite()).isFalse());
    }

    @Test
    void aTableWithoutRequestedByIsReportedAsUnableToNameARequester() {
        db.execute(
                "CREATE TABLE command_queue (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), guild_id text, action text,"
                        + " payload jsonb, status text, result jsonb, created_at timestamptz DEFAULT now())");
        Database database = db.open(s -> s.table("command_queue").migrate(false));

        DoctorReport report = CommandAdmin.on(database).doctor();

        assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("no requested_by column"));
        assertThat(String.join("\n", report.lines())).contains("requester: none (no requested_by column)");
    }

    @Test
    void withNoLiveWorkerDoctorFailsAndSaysToStartOne() {
        Database database = db.open();

        DoctorReport report = CommandAdmin.on(database).doctor();

        assertThat(report.liveWorkers()).isEmpty();
        assertThat(report.healthy()).isFalse();
        assertThat(report.problems())
                .anySatisfy(p -> assertThat(p).contains("no worker").contains("valoratbot worker"));
        assertThat(report.lines().getLast()).startsWith("verdict: UNHEALTHY");
    }

    @Test
    void aDirectConnectionIsReportedAsDirect() {
        DoctorReport report = CommandAdmin.on(db.open()).doctor();
        assertThat(report.route().kind()).isEqualTo(DoctorReport.RouteKind.DIRECT);
    }

    @Test
    void throughSomethingThatForwardsToAnotherPortWithWorkingNotificationsDoctorSeesASessionPooler() throws Exception {
        try (ServerSocket front = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> forward(front, TestDatabase.port()));
            Database proxied =
                    db.open(s -> s.url("jdbc:postgresql://127.0.0.1:" + front.getLocalPort() + "/" + db.name())
                            .migrate(false));

            DoctorReport report = CommandAdmin.on(proxied).doctor();

            assertThat(report.route().kind()).isEqualTo(DoctorReport.RouteKind.SESSION_POOLER);
            assertThat(report.route().detail())
                    .contains("port " + front.getLocalPort())
                    .contains("listens on " + TestDatabase.port());
        }
    }

    /** A TCP forwarder on 127.0.0.1: the simplest thing between a client and the server, as a session pooler is. */
    private static void forward(ServerSocket front, int port) {
        while (!front.isClosed()) {
            try {
                Socket client = front.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                Thread.ofVirtual().start(() -> pump(client, server));
                Thread.ofVirtual().start(() -> pump(server, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the other side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                /* closing */
            }
        }
    }
}
