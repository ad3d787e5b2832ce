package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.command.PayloadReader;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.AccessRequirements;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.DiscordPermission;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.core.run.CommandWorker;
import com.valoratbot.core.run.CustomAction;
import com.valoratbot.core.text.Language;
import com.valoratbot.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An embedding bot's own action (the dashboard's {@code ADD_QUEST_PROGRESS}) on a real PostgreSQL
 * queue and core's runtime: the queue's guarantees hold for it as for the built-in actions.
 */
class CustomActionQueueTest {

    @RegisterExtension
    static final TestDatabase db =
            TestDatabase.migrated().emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.workers");

    static final String GUILD = "111111111111111111";
    static final String OTHER_GUILD = "333333333333333333";
    static final String USER = "444444444444444444";

    /** The result the dashboard reads: {@code {"ok": true, "questId": …, "progress": …}}. */
    record QuestProgress(String questId, int progress) {}

    record Grant(Snowflake userId, String questId, int amount) {}

    /**
     * Grants quest progress; not idempotent (granting twice would double it). Remembers what it ran,
     * per guild in order, and notices two commands of one guild running at once.
     */
    static final class AddQuestProgress implements CustomAction<Grant, QuestProgress> {
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        final Map<Long, List<String>> byGuild = new ConcurrentHashMap<>();
        final Map<Long, AtomicInteger> running = new ConcurrentHashMap<>();
        final List<String> violations = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Integer> totals = new ConcurrentHashMap<>();
        volatile Duration delay = Duration.ZERO;

        @Override
        public String wireName() {
            return "ADD_QUEST_PROGRESS";
        }

        @Override
        public boolean idempotent() {
            return false;
        }

        @Override
        public Optional<Grant> read(PayloadReader in) {
            var user = in.requiredSnowflake("userId");
            var quest = in.requiredText("questId", 64);
            var amount = in.requiredInt("amount", 1, 1000);
            return user.isPresent() && quest.isPresent() && amount.isPresent()
                    ? Optional.of(new Grant(user.get(), quest.get(), amount.get()))
                    : Optional.empty();
        }

        @Override
        public Result<QuestProgress> run(CommandContext context, Grant grant) {
            runs.computeIfAbsent(context.commandId(), id -> new AtomicInteger()).incrementAndGet();
            long guild = context.guildId().value();
            AtomicInteger now = running.computeIfAbsent(guild, g -> new AtomicInteger());
            if (now.incrementAndGet() > 1) violations.add("two commands of guild " + guild + " at once");
            try {
                byGuild.computeIfAbsent(guild, g -> Collections.synchronizedList(new ArrayList<>()))
                        .add(context.commandId());
                if (!delay.isZero()) Thread.sleep(delay);
                if (grant.questId().equals("closed"))
                    return Result.err(ErrorCode.NOT_FOUND, "quest_closed", grant.questId());
                int total = totals.merge(
                        guild + "/" + grant.userId() + "/" + grant.questId(), grant.amount(), Integer::sum);
                return Result.ok(new QuestProgress(grant.questId(), total));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                now.decrementAndGet();
            }
        }

        int runsOf(String id) {
            AtomicInteger n = runs.get(id);
            return n == null ? 0 : n.get();
        }
    }

    AddQuestProgress quests;

    @BeforeEach
    void empty() {
        quests = new AddQuestProgress();
    }

    CommandHandler handler(CustomAction<?, ?>... actions) {
        CommandHandler.Builder b = CommandHandler.builder(new RecordingDiscord().ports())
                .language(Language.EN)
                .maxAge(Duration.ofSeconds(60));
        for (CustomAction<?, ?> a : actions) b.action(a);
        return b.build();
    }

    /** {@link #quests}' grants under another name and policy, recorded in the same place. */
    CustomAction<Grant, QuestProgress> sameGrants(String name, boolean idempotent, Set<DiscordPermission> requester) {
        return new CustomAction<>() {
            @Override
            public String wireName() {
                return name;
            }

            @Override
            public boolean idempotent() {
                return idempotent;
            }

            @Override
            public Optional<Grant> read(PayloadReader in) {
                return quests.read(in);
            }

            @Override
            public AccessRequirements access(Grant g) {
                return new AccessRequirements(Set.of(), requester);
            }

            @Override
            public Result<QuestProgress> run(CommandContext c, Grant g) {
                return quests.run(c, g);
            }
        };
    }

    static String insert(String guild, String action, String payload, String createdAtSql) {
        return (String) db.value(
                "INSERT INTO commands (guild_id, action, payload, created_at) VALUES (?, ?, ?::jsonb, " + createdAtSql
                        + ") RETURNING id::text",
                guild,
                action,
                payload);
    }

    static String grant(String guild, String quest, int amount) {
        return insert(
                guild,
                "ADD_QUEST_PROGRESS",
                "{\"userId\":\"" + USER + "\",\"questId\":\"" + quest + "\",\"amount\":" + amount + "}",
                "clock_timestamp()");
    }

    /** status, result->>'code', result->>'reason', result::text */
    static List<Object> row(String id) {
        return db.query(
                        "SELECT status, result->>'code', result->>'reason', result::text FROM commands WHERE id = ?::uuid",
                        id)
                .get(0);
    }

    static void awaitSettled(int n) {
        Eventually.within(
                Duration.ofSeconds(20),
                n + " commands settled",
                () -> db.count("SELECT count(*) FROM commands WHERE status IN ('done', 'error')") == n);
    }

    @Test
    void aCustomActionRunsOnceAndWritesItsResultRecordNextToOk() {
        try (RunningWorker w = RunningWorker.start(
                db.database(), handler(quests), q -> q.listen(false).pollInterval(Duration.ofMillis(50)), x -> x)) {
            String id = grant(GUILD, "daily", 3);
            awaitSettled(1);
            assertThat(row(id).get(0)).isEqualTo("done");
            assertThat(CommandHandler.readResult((String) row(id).get(3)).toString())
                    .isEqualTo("{\"ok\":true,\"questId\":\"daily\",\"progress\":3}");
            assertThat(quests.runsOf(id)).isEqualTo(1);
        }
    }

    @Test
    void aGuildsCustomCommandsRunOneAtATimeInTheOrderTheyWereInsertedAcrossTwoWorkers() {
        quests.delay = Duration.ofMillis(20);
        List<String> mine = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            mine.add(grant(GUILD, "q", 1));
            others.add(grant(OTHER_GUILD, "q", 1));
        }
        // Two workers on one table, as in production: order and exclusivity are the queue's, not one process's.
        try (RunningWorker a = RunningWorker.start(
                        db.database(),
                        handler(quests),
                        q -> q.workerId("a").listen(false).pollInterval(Duration.ofMillis(20)),
                        x -> x);
                RunningWorker b = RunningWorker.start(
                        db.database(),
                        handler(quests),
                        q -> q.workerId("b").listen(false).pollInterval(Duration.ofMillis(20)),
                        x -> x)) {
            awaitSettled(24);
        }
        assertThat(quests.violations).isEmpty();
        assertThat(quests.byGuild.get(Long.parseLong(GUILD))).containsExactlyElementsOf(mine);
        assertThat(quests.byGuild.get(Long.parseLong(OTHER_GUILD))).containsExactlyElementsOf(others);
        // Each grant ran once: the last one of a guild saw the sum of all twelve.
        assertThat(CommandHandler.readResult((String) row(mine.getLast()).get(3))
                        .get("progress")
                        .asInt())
                .isEqualTo(12);
    }

    @Test
    void aCustomCommandOlderThanTheMaximumAgeEndsExpiredWithoutRunning() {
        try (RunningWorker w = RunningWorker.start(
                db.database(), handler(quests), q -> q.listen(false).pollInterval(Duration.ofMillis(50)), x -> x)) {
            String id = insert(
                    GUILD,
                    "ADD_QUEST_PROGRESS",
                    "{\"userId\":\"" + USER + "\",\"questId\":\"q\",\"amount\":1}",
                    "now() - interval '2 minutes'");
            awaitSettled(1);
            assertThat(row(id).subList(0, 2)).containsExactly("error", "expired");
            assertThat(quests.runsOf(id)).isZero();
        }
    }

    @Test
    void badCustomPayloadsEndInvalidPayloadNamingEveryProblemAndNeverRun() {
        try (RunningWorker w = RunningWorker.start(
                db.database(), handler(quests), q -> q.listen(false).pollInterval(Duration.ofMillis(50)), x -> x)) {
            String fields =
                    insert(GUILD, "ADD_QUEST_PROGRESS", "{\"userId\":\"me\",\"amount\":\"lots\"}", "clock_timestamp()");
            String array = insert(OTHER_GUILD, "ADD_QUEST_PROGRESS", "[1, 2]", "clock_timestamp()");
            awaitSettled(2);
            assertThat(row(fields).subList(0, 2)).containsExactly("error", "invalid_payload");
            assertThat((String) row(fields).get(2))
                    .contains("userId")
                    .contains("questId")
                    .contains("amount");
            assertThat(row(array).subList(0, 2)).containsExactly("error", "invalid_payload");
            assertThat((String) row(array).get(2)).contains("JSON object");
            assertThat(quests.runs).isEmpty();
        }
    }

    @Test
    void aFailureTheCustomActionReturnsIsWrittenInTheContractsErrorShape() {
        try (RunningWorker w = RunningWorker.start(
                db.database(), handler(quests), q -> q.listen(false).pollInterval(Duration.ofMillis(50)), x -> x)) {
            String id = grant(GUILD, "closed", 1);
            awaitSettled(1);
            var result = CommandHandler.readResult((String) row(id).get(3));
            assertThat(row(id).get(0)).isEqualTo("error");
            assertThat(result.get("ok").asBoolean()).isFalse();
            assertThat(result.get("code").asText()).isEqualTo("not_found");
            assertThat(result.get("reason").asText()).contains("closed");
        }
    }

    @Test
    void aDeadWorkersStartedCustomCommandEndsInterruptedWhileOneThatNeverStartedRunsAgain() {
        String started = grant(GUILD, "q", 5);
        String notStarted = grant(OTHER_GUILD, "q", 7);
        PostgresQueue dying = PostgresQueue.builder(db.database())
                .workerId("dying")
                .listen(false)
                .build();
        var marks = dying.startMarks();
        assertThat(dying.claims().claim(10))
                .extracting(QueuedCommand::id)
                .containsExactlyInAnyOrder(started, notStarted);
        // It recorded that the grant's side effects began, then died before writing an outcome.
        assertThat(marks.started(started)).isTrue();

        try (RunningWorker survivor = RunningWorker.start(
                db.database(),
                handler(quests),
                q -> q.workerId("survivor")
                        .lease(Duration.ofSeconds(1))
                        .listen(false)
                        .pollInterval(Duration.ofMillis(100)),
                x -> x)) {
            awaitSettled(2);
        }
        assertThat(row(started).subList(0, 2)).containsExactly("error", "interrupted");
        assertThat((String) row(started).get(2)).contains("ADD_QUEST_PROGRESS");
        assertThat(quests.runsOf(started)).isZero();
        assertThat(row(notStarted).get(0)).as("%s", row(notStarted)).isEqualTo("done");
        assertThat(quests.runsOf(notStarted)).isEqualTo(1);
        dying.close();
    }

    @Test
    void aDeadWorkersCustomCommandsThatMayHaveStartedRunAgainOnlyWhenTheActionIsIdempotent() {
        CustomAction<Grant, QuestProgress> idempotent = sameGrants("SET_QUEST_PROGRESS", true, Set.of());
        String set = insert(
                GUILD,
                "SET_QUEST_PROGRESS",
                "{\"userId\":\"" + USER + "\",\"questId\":\"q\",\"amount\":2}",
                "clock_timestamp()");
        String add = grant(OTHER_GUILD, "q", 2);
        // A worker that records no start marks: any of its commands may have reached its side effects.
        PostgresQueue dying = PostgresQueue.builder(db.database())
                .workerId("dying")
                .listen(false)
                .build();
        assertThat(dying.claims().claim(10)).extracting(QueuedCommand::id).containsExactlyInAnyOrder(set, add);

        try (RunningWorker survivor = RunningWorker.start(
                db.database(),
                handler(idempotent, quests),
                q -> q.workerId("survivor")
                        .lease(Duration.ofSeconds(1))
                        .listen(false)
                        .pollInterval(Duration.ofMillis(100)),
                x -> x)) {
            awaitSettled(2);
        }
        assertThat(row(set).get(0)).as("%s", row(set)).isEqualTo("done");
        assertThat(quests.runsOf(set)).isEqualTo(1);
        assertThat(row(add).subList(0, 2)).containsExactly("error", "interrupted");
        assertThat(quests.runsOf(add)).isZero();
        dying.close();
    }

    @Test
    void anAnonymousRowMayNotRunACustomActionThatChecksTheRequester() {
        CustomAction<Grant, QuestProgress> moderatorsOnly =
                sameGrants("RESET_QUEST", true, Set.of(DiscordPermission.MANAGE_GUILD));
        try (RunningWorker w = RunningWorker.start(
                db.database(),
                handler(moderatorsOnly),
                q -> q.listen(false).pollInterval(Duration.ofMillis(50)),
                x -> x)) {
            String id = insert(
                    GUILD,
                    "RESET_QUEST",
                    "{\"userId\":\"" + USER + "\",\"questId\":\"q\",\"amount\":2}",
                    "clock_timestamp()");
            awaitSettled(1);
            assertThat(row(id).subList(0, 2)).containsExactly("error", "forbidden");
            assertThat((String) row(id).get(2)).contains("RESET_QUEST").contains("requested_by");
            assertThat(quests.runs).isEmpty();
        }
    }

    @Test
    void aCustomActionAlsoLeftToAnotherConsumerIsRefusedWhenTheWorkerIsAssembled() {
        try (PostgresQueue queue = PostgresQueue.builder(db.database())
                .listen(false)
                .foreignActions(Set.of("ADD_QUEST_PROGRESS"))
                .build()) {
            CommandWorker.Builder worker = CommandWorker.builder(
                    queue.claims(), queue.completions(), queue.recovery(), queue.awaitCommands(), handler(quests));
            assertThatThrownBy(worker::build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ADD_QUEST_PROGRESS")
                    .hasMessageContaining("VALORATBOT_FOREIGN_ACTIONS");
        }
    }

    @Test
    void aCustomActionNamedLikeABuiltInOneOrTwiceIsRefusedWhenRegistered() {
        CustomAction<Grant, QuestProgress> purge = new CustomAction<>() {
            @Override
            public String wireName() {
                return "purge";
            }

            @Override
            public boolean idempotent() {
                return false;
            }

            @Override
            public Optional<Grant> read(PayloadReader in) {
                return Optional.empty();
            }

            @Override
            public Result<QuestProgress> run(CommandContext c, Grant g) {
                return Result.ok(new QuestProgress("x", 0));
            }
        };
        assertThatThrownBy(() -> handler(purge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("built-in");
        assertThatThrownBy(() -> handler(quests, new AddQuestProgress()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }
}
