package com.valoratbot.supabase.scheduling;

import com.valoratbot.core.activity.ActivityAggregator;
import com.valoratbot.core.activity.VoiceMember;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import com.valoratbot.testing.TestClock;
import com.valoratbot.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Benchmark, not a test: prints JSON lines.
 * <ul>
 *   <li>{@code activity_ingest}: message events per second into the aggregator (one thread, like a
 *       JDA shard's event thread; 10 guilds, 5,000 members, names included), median of 5 runs;</li>
 *   <li>{@code activity_flush}: one flush of 1,000 distinct members (a message and voice time each,
 *       plus their names) into embedded PostgreSQL through {@link PostgresActivityStore}, median of 15.</li>
 * </ul>
 * Run: {@code ./mvnw -q -pl adapters-supabase test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=com.valoratbot.supabase.scheduling.ActivityBench}
 */
public final class ActivityBench {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    public static void main(String[] args) {
        ingest();
        flush();
    }

    private static void ingest() {
        int events = 3_000_000;
        Snowflake[] guilds = new Snowflake[10];
        for (int i = 0; i < guilds.length; i++) guilds[i] = Snowflake.of(100_000_000_000_000_000L + i);
        Snowflake[] users = new Snowflake[5_000];
        String[] names = new String[users.length];
        for (int i = 0; i < users.length; i++) {
            users[i] = Snowflake.of(300_000_000_000_000_000L + i);
            names[i] = "member" + i;
        }
        double[] rates = new double[6];
        for (int run = 0; run < rates.length; run++) {
            AtomicLong stored = new AtomicLong();
            ActivityAggregator aggregator = ActivityAggregator.builder(
                            batch -> stored.addAndGet(batch.days().size()),
                            GuildTimeZones.fixed(PARIS),
                            Clock.systemUTC())
                    .build();
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                int u = (int) ((i * 7919L) % users.length);
                aggregator.message(guilds[u % guilds.length], users[u], names[u], false);
            }
            long elapsed = System.nanoTime() - start;
            aggregator.flush();
            rates[run] = events / (elapsed / 1e9);
        }
        double[] measured = Arrays.copyOfRange(rates, 1, rates.length); // the first run warms the JIT up
        System.out.printf(
                Locale.ROOT,
                "{\"bench\":\"activity_ingest\",\"unit\":\"message_events_per_s\",\"events_per_run\":%d,\"runs\":%s,\"median\":%.0f,\"target\":50000}%n",
                events,
                json(measured, "%.0f"),
                median(measured));
    }

    private static void flush() {
        // A fresh, migrated database on the tests' shared embedded server (a main, not a JUnit class).
        String name = "activity_bench_" + ProcessHandle.current().pid();
        TestPostgres.createDatabase(name);
        Database database = Database.open(DatabaseSettings.builder()
                .user("postgres")
                .url("jdbc:postgresql://localhost:" + TestPostgres.port() + "/" + name)
                .build());
        DataSource ds = database.dataSource();
        PostgresActivityStore store = PostgresActivityStore.create(ds);
        TestClock clock = new TestClock(Instant.parse("2025-12-10T09:00:00Z"));
        Snowflake guild = Snowflake.of(100_000_000_000_000_001L);
        Snowflake voice = Snowflake.of(200_000_000_000_000_001L);
        int members = 1_000;
        double[] millis = new double[16];
        for (int run = 0; run < millis.length; run++) {
            ActivityAggregator aggregator = ActivityAggregator.builder(store, GuildTimeZones.fixed(PARIS), clock)
                    .build();
            List<VoiceMember> inVoice = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                Snowflake user = Snowflake.of(300_000_000_000_000_000L + m);
                // A new name each run, so every flush also writes 1,000 names.
                aggregator.message(guild, user, "member " + m + " #" + run, false);
                inVoice.add(VoiceMember.in(user, "member " + m + " #" + run, false, voice, false));
            }
            aggregator.voiceSnapshot(guild, java.util.Optional.empty(), inVoice);
            clock.advance(Duration.ofSeconds(5));
            long start = System.nanoTime();
            var batch = aggregator.flush();
            millis[run] = (System.nanoTime() - start) / 1e6;
            if (batch.days().size() != members || batch.names().size() != members)
                throw new AssertionError("unexpected batch " + batch.days().size());
        }
        double[] measured = Arrays.copyOfRange(millis, 1, millis.length);
        System.out.printf(
                Locale.ROOT,
                "{\"bench\":\"activity_flush\",\"unit\":\"ms_per_flush_of_1000_members\",\"rows\":%d,\"names\":%d,\"runs\":%s,\"median\":%.1f}%n",
                members,
                members,
                json(measured, "%.1f"),
                median(measured));
        database.close();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String json(double[] values, String format) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.length; i++)
            out.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, format, values[i]));
        return out.append(']').toString();
    }
}
