package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.testing.Eventually;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12's pickup: a claim is one round trip (lock the line's front, claim, commit: one call of
 * the claim's function in autocommit), and no claim is sent after a completion that readied nothing.
 * Every statement and commit the queue sends goes through a recording JDBC wrapper (each is one
 * round trip with the PostgreSQL driver: a statement's parse, bind and execute go out together).
 */
class ClaimRoundTripsTest {

    @RegisterExtension
    static final TestDatabase db =
            TestDatabase.migrated().emptiedBeforeEach("commands", "valoratbot.claims", "valoratbot.queue_guilds");

    static final String GUILD = "111111111111111111";
    static final String OTHER = "222222222222222222";

    /** What went to the server: the thread that sent it and the statement ("COMMIT" / "ROLLBACK" for those). */
    record Sent(String thread, String sql) {
        boolean isClaim() {
            return sql.contains(".claim_") || sql.contains("lock_ready_guilds");
        }

        /** The completion, as a plain statement or through its function ({@link PinnedPlanFunction}). */
        boolean isCompletion() {
            return sql.contains("outcome AS") || sql.contains(".complete_");
        }
    }

    static final List<Sent> sent = new CopyOnWriteArrayList<>();
    /** The "durable" argument of each call of the claim's function (its fifth parameter), in order. */
    static final List<Boolean> durable = new CopyOnWriteArrayList<>();

    static Database counted;
    static CommandAdmin admin;

    @BeforeAll
    static void open() {
        counted = db.closeAfterAll(Database.using(
                recording(db.database().dataSource()),
                db.settings().migrate(false).build()));
        admin = CommandAdmin.on(db.database());
    }

    @BeforeEach
    void forget() {
        sent.clear();
        durable.clear();
    }

    @Test
    void aClaimThatTakesACommandIsOneRoundTrip() {
        try (PostgresQueue queue =
                PostgresQueue.builder(counted).workerId("w1").listen(false).build()) {
            String id = admin.enqueue(GUILD, "listTextChannels", "{}", null);
            sent.clear();

            List<QueuedCommand> claimed = queue.claims().claim(10);

            assertThat(claimed).extracting(QueuedCommand::id).containsExactly(id);
            assertThat(mine())
                    .as("sent for one claim")
                    .singleElement()
                    .satisfies(s -> assertThat(s.isClaim()).isTrue());
            assertThat(db.value("SELECT status FROM commands WHERE id = ?::uuid", id))
                    .as("committed: seen from another connection")
                    .isEqualTo("processing");
        }
    }

    @Test
    void aClaimOverSeveralGuildsWithBusyOnesSetAsideIsStillOneRoundTripPerRound() {
        try (PostgresQueue queue =
                PostgresQueue.builder(counted).workerId("w1").listen(false).build()) {
            String first = admin.enqueue(GUILD, "listTextChannels", "{}", null);
            admin.enqueue(GUILD, "listTextChannels", "{}", null);
            String other = admin.enqueue(OTHER, "listTextChannels", "{}", null);
            sent.clear();

            List<QueuedCommand> claimed = queue.claims().claim(10);

            // One guild's command at a time: the second of GUILD waits for the first's outcome.
            assertThat(claimed).extracting(QueuedCommand::id).containsExactlyInAnyOrder(first, other);
            assertThat(mine()).allSatisfy(s -> assertThat(s.isClaim()).isTrue());
            assertThat(mine()).hasSize(1);
        }
    }

    @Test
    void anEmptyLineIsOneRoundTripToo() {
        try (PostgresQueue queue =
                PostgresQueue.builder(counted).workerId("w1").listen(false).build()) {
            sent.clear();

            assertThat(queue.claims().claim(10)).isEmpty();

            assertThat(mine()).hasSize(1);
        }
    }

    @Test
    void aShardedWorkersClaimIsOneRoundTripAndTakesOnlyItsShards() {
        try (PostgresQueue queue = PostgresQueue.builder(counted)
                .workerId("w1")
                .listen(false)
                .shards(2, List.of(shardOf(GUILD, 2)))
                .build()) {
            String mineId = admin.enqueue(GUILD, "listTextChannels", "{}", null);
            String theirs = otherShardGuild(GUILD);
            admin.enqueue(theirs, "listTextChannels", "{}", null);
            sent.clear();

            List<QueuedCommand> claimed = queue.claims().claim(10);

            assertThat(claimed).extracting(QueuedCommand::id).containsExactly(mineId);
            assertThat(mine())
                    .singleElement()
                    .satisfies(s -> assertThat(s.isClaim()).isTrue());
        }
    }

    @Test
    void noClaimFollowsACompletionThatReadiedNothingWhileOneThatReadiedAGuildIsFollowedByOne() {
        RecordingDiscord discord = new RecordingDiscord();
        try (RunningWorker w = RunningWorker.start(
                counted,
                discord.handler(),
                q -> q.workerId("w1").listen(true).pollInterval(Duration.ofSeconds(30)),
                r -> r.pollInterval(Duration.ofSeconds(30)))) {
            Eventually.within(Duration.ofSeconds(10), "listening", w.queue()::listening);
            Eventually.quietly(Duration.ofMillis(300)); // past the start-up claims, into the long wait

            // Two commands of one guild: the first one's completion readies the guild for the second.
            sent.clear();
            String a = admin.enqueue(GUILD, "listTextChannels", "{}", null);
            String b = admin.enqueue(GUILD, "listTextChannels", "{}", null);
            Eventually.within(Duration.ofSeconds(20), "both done", () -> finished(a) && finished(b));
            Eventually.quietly(Duration.ofMillis(1_000));

            List<Sent> onClaimsAndCompletions =
                    sent.stream().filter(s -> s.isClaim() || s.isCompletion()).toList();
            int lastCompletion = lastIndexOf(onClaimsAndCompletions, Sent::isCompletion);
            assertThat(onClaimsAndCompletions.subList(lastCompletion + 1, onClaimsAndCompletions.size()))
                    .as("claims after the last completion, which readied nothing")
                    .isEmpty();
            int firstCompletion = indexOf(onClaimsAndCompletions, Sent::isCompletion);
            assertThat(onClaimsAndCompletions.subList(firstCompletion + 1, lastCompletion))
                    .as("between the completion that readied the guild and the next")
                    .anySatisfy(s -> assertThat(s.isClaim()).isTrue());
        }
    }

    @Test
    void claimsWaitForTheirFlushUntilTheRuntimeRecordsStartMarksAndNoLongerAfter() {
        try (PostgresQueue queue =
                PostgresQueue.builder(counted).workerId("w1").listen(false).build()) {
            admin.enqueue(GUILD, "listTextChannels", "{}", null);
            assertThat(queue.claims().claim(10)).hasSize(1);

            queue.startMarks();
            admin.enqueue(OTHER, "listTextChannels", "{}", null);
            assertThat(queue.claims().claim(10)).hasSize(1);

            // Without start marks nothing stops a side effect before the claim is on disk; with them,
            // every non-idempotent command's start mark is a durable commit after the claim's.
            assertThat(durable).containsExactly(true, false);
        }
    }

    private static boolean finished(String id) {
        return admin.find(id).map(CommandRow::finished).orElse(false);
    }

    private static int indexOf(List<Sent> l, java.util.function.Predicate<Sent> p) {
        for (int i = 0; i < l.size(); i++) if (p.test(l.get(i))) return i;
        throw new AssertionError("none in " + l);
    }

    private static int lastIndexOf(List<Sent> l, java.util.function.Predicate<Sent> p) {
        for (int i = l.size() - 1; i >= 0; i--) if (p.test(l.get(i))) return i;
        throw new AssertionError("none in " + l);
    }

    /** What this (the test's) thread sent. */
    private static List<Sent> mine() {
        String me = Thread.currentThread().getName();
        return sent.stream().filter(s -> s.thread().equals(me)).toList();
    }

    static int shardOf(String guild, int total) {
        return (int) ((Long.parseLong(guild) >> 22) % total);
    }

    /** A guild id on the other of two shards than {@code guild}. */
    static String otherShardGuild(String guild) {
        long g = Long.parseLong(guild);
        return Long.toString(g + (1L << 22));
    }

    /** Records every statement executed and every commit/rollback on connections of {@code data}. */
    static DataSource recording(DataSource data) {
        return proxy(
                DataSource.class,
                data,
                (target, name, args, result) ->
                        result instanceof Connection c ? proxy(Connection.class, c, connectionHook(c)) : result);
    }

    private static Hook connectionHook(Connection c) {
        return (target, name, args, result) -> {
            if (name.equals("commit") || name.equals("rollback")) record(name.toUpperCase());
            if (result instanceof java.sql.PreparedStatement ps && args != null && args[0] instanceof String sql) {
                return proxy(java.sql.PreparedStatement.class, ps, statementHook(sql));
            }
            if (result instanceof Statement st && !(result instanceof java.sql.PreparedStatement)) {
                return proxy(Statement.class, st, statementHook(null));
            }
            return result;
        };
    }

    private static Hook statementHook(String prepared) {
        return (target, name, args, result) -> {
            if (name.equals("setBoolean")
                    && prepared != null
                    && prepared.contains(".claim_")
                    && args[0].equals(ClaimFunction.LOCK_PARAMETERS)) durable.add((Boolean) args[1]);
            if (name.startsWith("execute")) {
                String sql = prepared != null ? prepared : args != null && args[0] instanceof String s ? s : "?";
                record(sql);
            }
            return result;
        };
    }

    private static void record(String sql) {
        sent.add(new Sent(Thread.currentThread().getName(), sql));
    }

    @FunctionalInterface
    interface Hook {
        Object after(Object target, String method, Object[] args, Object result) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Hook hook) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return hook.after(target, method.getName(), args, result);
        });
    }
}
