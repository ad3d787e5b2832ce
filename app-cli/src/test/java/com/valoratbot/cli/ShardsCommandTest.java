package com.valoratbot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.supabase.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code valoratbot shards} on a real PostgreSQL, its leases written in {@code valoratbot.shard_leases}
 * as the workers write them (V500's columns are the interface the view reads).
 */
class ShardsCommandTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static Map<String, String> env;

    @BeforeAll
    static void migrated() {
        db.open().close();
        env = Map.of("DATABASE_URL", db.jdbcUrl(), "DATABASE_USER", "postgres");
    }

    @BeforeEach
    void noLeases() {
        db.execute("DELETE FROM valoratbot.shard_leases");
        db.execute("DELETE FROM valoratbot.workers");
    }

    record Run(int exit, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ValoratbotCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString().strip(), err.toString().strip());
    }

    private static void worker(String id, String host, long pid) {
        db.execute(
                "INSERT INTO valoratbot.workers (worker_id, command_table, host, pid, heartbeat_at)"
                        + " VALUES (?, 'public.commands', ?, ?, now() - interval '2 seconds')",
                id,
                host,
                pid);
    }

    /** A lease as a worker leaves it, times relative to the insert (the reading comes a few seconds later on a loaded machine). */
    private static void lease(
            String table, int shard, int count, String owner, Integer expiresIn, Integer renewedAgo, Integer readyAgo) {
        db.execute(
                "INSERT INTO valoratbot.shard_leases (command_table, shard_id, shard_count, owner_worker_id,"
                        + " lease_expires_at, acquired_at, renewed_at, ready_at, released_at, epoch) VALUES (?, ?, ?, ?,"
                        + " now() + make_interval(secs => ?), now() - interval '10 minutes',"
                        + " now() - make_interval(secs => ?), now() - make_interval(secs => ?),"
                        + " CASE WHEN ?::text IS NULL THEN now() - interval '90 seconds' END, 3)",
                table,
                shard,
                count,
                owner,
                expiresIn,
                renewedAgo,
                readyAgo,
                owner);
        if (owner == null) {
            db.execute(
                    "UPDATE valoratbot.shard_leases SET lease_expires_at = NULL, acquired_at = NULL, renewed_at = NULL,"
                            + " ready_at = NULL WHERE command_table = ? AND shard_id = ?",
                    table,
                    shard);
        }
    }

    @Test
    void withoutShardingConfiguredItSaysSoPlainlyAndExitsZero() {
        Run run = cli("shards");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .isEqualTo("No shard leases for public.commands: sharding is not configured. Each worker opens one"
                        + " unsharded gateway session (see docs/scaling.md to shard).");
    }

    @Test
    void eachShardShowsItsStateOwnerProcessLeaseAndLastRenewal() {
        worker("w-alpha", "node-a", 4242);
        worker("w-beta", "node-b", 777);
        lease("public.commands", 0, 4, "w-alpha", 20, 5, 300);
        lease("public.commands", 1, 4, "w-beta", 25, 2, null);
        lease("public.commands", 2, 4, "w-gone", -7, 37, 600);
        lease("public.commands", 3, 4, null, null, null, null);
        lease("other.commands", 0, 2, "w-elsewhere", 20, 5, 60); // another bot's table: not shown

        Run run = cli("shards");

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.getFirst())
                .isEqualTo("public.commands: 4 shards, 1 ready, 1 connecting, 1 expired, 1 free; 3 owners");
        assertThat(lines.get(1))
                .startsWith("SHARD")
                .contains("OWNER")
                .contains("LEASE")
                .contains("RENEWED");
        assertThat(lines).hasSize(6);
        assertThat(lines.get(2))
                .startsWith("0/4")
                .contains("ready")
                .contains("w-alpha")
                .contains("node-a:4242")
                .containsPattern("ends in (1\\d|20)s")
                .containsPattern("\\b([5-9]|1\\d)s ago")
                .containsPattern("5m[01]\\ds");
        assertThat(lines.get(3))
                .startsWith("1/4")
                .contains("connecting")
                .contains("w-beta")
                .contains("node-b:777");
        assertThat(lines.get(4))
                .startsWith("2/4")
                .contains("expired")
                .contains("w-gone")
                .contains("(no worker row)")
                .containsPattern("expired ([7-9]|1\\d)s ago");
        assertThat(lines.get(5)).startsWith("3/4").contains("free").containsPattern("\\(released 1m[345]\\ds ago\\)");
        assertThat(run.out()).doesNotContain("w-elsewhere");
    }

    @Test
    void leasesTakenUnderDifferentShardCountsAreFlagged() {
        lease("public.commands", 0, 4, "w-alpha", 20, 1, 30);
        lease("public.commands", 5, 8, "w-beta", 20, 1, 30);

        Run run = cli("shards");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("warning: leases were taken under different shard counts [4, 8]");
    }

    @Test
    void jsonGivesOneObjectPerShardWithMillisecondsForMachines() throws Exception {
        worker("w-alpha", "node-a", 4242);
        lease("public.commands", 0, 2, "w-alpha", 20, 5, 300);
        lease("public.commands", 1, 2, null, null, null, null);

        Run run = cli("shards", "--json");

        assertThat(run.exit()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode held = json.readTree(lines.get(0));
        assertThat(held.get("shardId").asInt()).isZero();
        assertThat(held.get("state").asText()).isEqualTo("ready");
        assertThat(held.get("owner").asText()).isEqualTo("w-alpha");
        assertThat(held.get("ownerPid").asLong()).isEqualTo(4242);
        assertThat(held.get("leaseLeftMs").asLong()).isBetween(15_000L, 20_000L);
        assertThat(held.get("epoch").asLong()).isEqualTo(3);
        JsonNode free = json.readTree(lines.get(1));
        assertThat(free.get("state").asText()).isEqualTo("free");
        assertThat(free.get("owner").isNull()).isTrue();
        assertThat(free.get("leaseLeftMs").isNull()).isTrue();
    }

    @Test
    void itAnswersHelpWithItsUsage() {
        Run run = cli("shards", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("Usage: valoratbot shards");
    }
}
