package com.valoratbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.supabase.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI reads and checks its arguments before it touches the command table (no worker needed). */
class CliOptionsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static Map<String, String> env;

    @BeforeAll
    static void migrated() {
        db.open().close();
        env = Map.of("DATABASE_URL", db.jdbcUrl(), "DATABASE_USER", "postgres");
    }

    @BeforeEach
    void empty() {
        db.execute("DELETE FROM commands");
    }

    record Run(int exit, String out, String err) {}

    static Run cli(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ValoratbotCli.run(environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString().strip(), err.toString().strip());
    }

    @Test
    void aTimeoutThatIsNotADurationIsAUsageErrorAndQueuesNothing() {
        Run run = cli(
                env,
                "enqueue",
                "announce",
                "{\"channelId\":\"1\",\"message\":\"x\"}",
                "--guild",
                "1100000000000000001",
                "--wait",
                "--timeout",
                "3O");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--timeout").contains("3O").contains("not a duration");
        assertThat(db.count("SELECT count(*) FROM commands")).isZero();
    }

    @Test
    void aMissingGuildIsAUsageErrorAndQueuesNothing() {
        Run run = cli(env, "enqueue", "listTextChannels");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM commands")).isZero();
    }

    @Test
    void anUnknownStatusForLsIsAUsageErrorNotAnEmptyList() {
        Run run = cli(env, "ls", "--status", "bogus");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--status must be one of pending, processing, done, error");
    }

    @Test
    void aBadDurationForTailOrReplayIsAUsageErrorToo() {
        assertThat(cli(env, "tail", "--for", "soon").exit()).isEqualTo(2);
        assertThat(cli(env, "replay", "abc", "--timeout", "-").exit()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"worker", "enqueue", "ls", "show", "replay", "tail", "migrate", "doctor", "timezone", "shards"})
    void everySubcommandAnswersHelpWithItsUsage(String subcommand) {
        Run run = cli(env, subcommand, "--help");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Usage: valoratbot " + subcommand);
    }

    @Test
    void everySubcommandIsRegisteredUnderTheNameItsCommandAnnotationGives() {
        for (var s : ValoratbotCli.SUBCOMMANDS) {
            assertThat(s.getValue().getAnnotation(picocli.CommandLine.Command.class))
                    .as(s.getValue().getSimpleName())
                    .isNotNull()
                    .extracting(picocli.CommandLine.Command::name)
                    .isEqualTo(s.getKey());
        }
    }

    @Test
    void theTopLevelHelpStillListsEverySubcommandThoughACallRegistersOnlyTheOneItNames() {
        Run run = cli(env, "--help");
        assertThat(run.exit()).as(run.err()).isZero();
        for (var s : ValoratbotCli.SUBCOMMANDS) assertThat(run.out()).containsPattern("(?m)^\\s+" + s.getKey() + "\\s");
        Run help = cli(env, "help", "ls");
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).startsWith("Usage: valoratbot ls");
        Run typo = cli(env, "lss");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("Unmatched argument").contains("ls");
    }

    @Test
    void showFindsACommandByAUniquePrefixOfItsId() {
        db.execute(
                "INSERT INTO commands (id, guild_id, action, payload, status) VALUES "
                        + "('abcd1111-0000-4000-8000-000000000001', '1100000000000000001', 'listTextChannels', '{}', 'pending'),"
                        + "('abcd2222-0000-4000-8000-000000000002', '1100000000000000001', 'listVoiceChannels', '{}', 'pending')");
        Run run = cli(env, "show", "abcd2");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("abcd2222-0000-4000-8000-000000000002").contains("listVoiceChannels");
    }

    @Test
    void anAmbiguousPrefixFailsInOneLineListingTheCandidates() {
        db.execute(
                "INSERT INTO commands (id, guild_id, action, payload, status) VALUES "
                        + "('abcd1111-0000-4000-8000-000000000001', '1100000000000000001', 'listTextChannels', '{}', 'pending'),"
                        + "('abcd2222-0000-4000-8000-000000000002', '1100000000000000001', 'listVoiceChannels', '{}', 'pending')");
        Run run = cli(env, "show", "abcd");
        assertThat(run.exit()).isEqualTo(ValoratbotCli.FAILED);
        assertThat(run.err())
                .doesNotContain("\n")
                .contains("several commands")
                .contains("abcd1111-0000-4000-8000-000000000001")
                .contains("abcd2222-0000-4000-8000-000000000002");
    }

    @Test
    void replayAcceptsAUniquePrefixToo() {
        db.execute("INSERT INTO commands (id, guild_id, action, payload, status) VALUES "
                + "('ef001111-0000-4000-8000-000000000001', '1100000000000000001', 'listTextChannels', '{}', 'done')");
        Run run = cli(env, "replay", "ef00");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(db.count("SELECT count(*) FROM commands WHERE action = 'listTextChannels'"))
                .isEqualTo(2);
    }

    @Test
    void noCommandButMigrateCreatesTheSchemaOrTheTable() {
        var blank = db.newDatabase().build();
        Map<String, String> fresh = Map.of("DATABASE_URL", blank.jdbcUrl().orElseThrow(), "DATABASE_USER", "postgres");
        for (String[] args : new String[][] {
            {"doctor"},
            {"ls"},
            {"show", "abc"},
            {"enqueue", "listTextChannels", "--guild", "1"},
            {"tail", "--for", "1s"},
            {"replay", "abc"}
        }) {
            Run run = cli(fresh, args);
            assertThat(run.exit())
                    .as(String.join(" ", args) + ": " + run.out() + run.err())
                    .isNotZero();
            assertThat(schemaObjects(blank.jdbcUrl().orElseThrow()))
                    .as("after " + String.join(" ", args))
                    .isZero();
        }
        assertThat(cli(fresh, "ls").err()).contains("valoratbot migrate");
        Run doctor = cli(fresh, "doctor");
        assertThat(doctor.out()).as(doctor.err()).contains("NOT FOUND").contains("verdict: UNHEALTHY");
        Run migrate = cli(fresh, "migrate");
        assertThat(migrate.exit()).as(migrate.err()).isZero();
        assertThat(schemaObjects(blank.jdbcUrl().orElseThrow())).isPositive();
        assertThat(cli(fresh, "ls").exit()).isZero();
    }

    /** Tables in public and the valoratbot schema (what the migrations create). */
    private static long schemaObjects(String jdbcUrl) {
        try (var c = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", null);
                var rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                + " WHERE n.nspname IN ('public', 'valoratbot') AND c.relkind = 'r'")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
