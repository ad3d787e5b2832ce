package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.text.Language;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Commands that must not run, through the real path: row in the table, claim, handler, result written back. */
class ExpiryAndValidationTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final String GUILD = "111111111111111111";
    static final String CHANNEL = "222222222222222222";
    static RecordingDiscord discord = new RecordingDiscord();
    static RunningWorker worker;

    @BeforeAll
    static void start() {
        Database database = db.open();
        CommandHandler handler = CommandHandler.builder(discord.ports())
                .language(Language.EN)
                .maxAge(Duration.ofSeconds(60))
                .build();
        worker = RunningWorker.start(database, handler, q -> q.pollInterval(Duration.ofMillis(100)), w -> w);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    /** Inserts a row as a dashboard would and waits for its final result: status, code, reason. */
    static List<Object> outcome(
            String guild, String action, String payloadSql, String createdAtSql, String requestedBy) {
        String id = (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, created_at, requested_by) VALUES (?, ?, " + payloadSql
                        + ", " + createdAtSql + ", ?) RETURNING id::text",
                guild,
                action,
                requestedBy);
        Eventually.within(
                Duration.ofSeconds(15),
                "command " + id + " finished",
                () -> db.count("SELECT count(*) FROM commands WHERE id = ?::uuid AND status IN ('done', 'error')", id)
                        == 1);
        assertThat(discord.executionsOf(id))
                .as("executions of a command that must not run")
                .isZero();
        return db.query(
                        "SELECT status, result->>'code', result->>'reason', (result->>'ok')::boolean FROM commands WHERE id = ?::uuid",
                        id)
                .get(0);
    }

    @Test
    void aCommandCreatedTwoMinutesAgoEndsExpiredAndSaysHowOldItWas() {
        List<Object> r = outcome(GUILD, "listTextChannels", "'{}'", "now() - interval '2 minutes'", null);

        assertThat(r.subList(0, 2)).containsExactly("error", "expired");
        assertThat(r.get(3)).isEqualTo(false);
        assertThat((String) r.get(2)).containsPattern("waited 12\\d s").contains("maximum 60 s");
    }

    @Test
    void anUnknownActionEndsUnknownActionNamingIt() {
        List<Object> r = outcome(GUILD, "selfDestruct", "'{}'", "now()", null);

        assertThat(r.subList(0, 2)).containsExactly("error", "unknown_action");
        assertThat((String) r.get(2)).contains("selfDestruct").contains("listTextChannels");
    }

    @Test
    void aPayloadMissingAFieldEndsInvalidPayloadNamingTheField() {
        List<Object> r = outcome(GUILD, "lock", "'{\"channel\": \"x\"}'", "now()", null);

        assertThat(r.subList(0, 2)).containsExactly("error", "invalid_payload");
        assertThat((String) r.get(2)).contains("channelId");
    }

    @Test
    void anArrayInsteadOfAnObjectEndsInvalidPayload() {
        assertThat(outcome(GUILD, "lock", "'[1, 2]'", "now()", null).subList(0, 2))
                .containsExactly("error", "invalid_payload");
    }

    @Test
    void aGuildIdThatIsNotASnowflakeEndsInvalidPayload() {
        List<Object> r = outcome("my-guild", "listTextChannels", "'{}'", "now()", null);

        assertThat(r.subList(0, 2)).containsExactly("error", "invalid_payload");
        assertThat((String) r.get(2)).contains("guild_id");
    }

    @Test
    void aRequesterThatIsNotASnowflakeEndsInvalidPayload() {
        List<Object> r = outcome(GUILD, "listTextChannels", "'{}'", "now()", "bob");

        assertThat(r.subList(0, 2)).containsExactly("error", "invalid_payload");
        assertThat((String) r.get(2)).contains("requested_by");
    }

    @Test
    void anActionThisDeploymentHasNoAdapterForEndsNotAvailable() {
        List<Object> r =
                outcome(GUILD, "play", "'{\"query\": \"x\", \"voiceChannelId\": \"" + CHANNEL + "\"}'", "now()", null);

        assertThat(r.subList(0, 2)).containsExactly("error", "not_available");
    }

    @Test
    void aValidCommandRunsWithItsRequesterAndEndsDone() {
        String id = (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, requested_by) VALUES (?, 'lock', ?::jsonb, '333333333333333333') RETURNING id::text",
                GUILD,
                "{\"channelId\": \"" + CHANNEL + "\"}");
        Eventually.within(
                Duration.ofSeconds(15),
                "done",
                () -> db.count("SELECT count(*) FROM commands WHERE id = ?::uuid AND status = 'done'", id) == 1);

        assertThat(discord.executionsOf(id)).isEqualTo(1);
        assertThat(discord.requesterOf(id))
                .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(333333333333333333L));
        assertThat(db.value("SELECT result::text FROM commands WHERE id = ?::uuid", id))
                .isEqualTo("{\"ok\": true}");
    }
}
