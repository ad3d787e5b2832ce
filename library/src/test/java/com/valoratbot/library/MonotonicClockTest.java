package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.supabase.DatabaseSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MonotonicClockTest {

    @Test
    void itNeverGoesBackwardsAndAdvancesWithElapsedTime() throws Exception {
        MonotonicClock clock = new MonotonicClock();
        Instant before = clock.instant();
        long t0 = System.nanoTime();
        Instant last = before;
        for (int i = 0; i < 10_000; i++) {
            Instant now = clock.instant();
            assertThat(now).isAfterOrEqualTo(last);
            last = now;
        }
        Thread.sleep(50);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(Duration.between(before, clock.instant())).isGreaterThanOrEqualTo(elapsed);
    }

    @Test
    void aShardedBackendFencesOnTheMonotonicClockUnlessATestGivesItsOwn() {
        assertThat(ShardedValoratbot.create(
                                DiscordGateway.leanShardManagerBuilder("token"),
                                DatabaseSettings.builder()
                                        .url("postgres://u:p@127.0.0.1:1/none")
                                        .build())
                        .fencingClock())
                .isInstanceOf(MonotonicClock.class);
    }
}
