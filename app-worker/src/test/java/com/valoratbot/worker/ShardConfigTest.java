package com.valoratbot.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.shard.ShardPlan;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardConfigTest {

    private static ShardConfig read(Map<String, String> env) {
        return ShardConfig.from(Settings.of(env));
    }

    @Test
    void withoutVALORATBOT_SHARDSTheWorkerIsUnshardedAsBefore() {
        ShardConfig c = read(Map.of());
        assertThat(c.on()).isFalse();
        assertThat(c.plan()).isEqualTo(new ShardPlan.Unsharded());
    }

    @Test
    void aTotalWithACapacityTakesAnyShardsUpToIt() {
        ShardConfig c = read(Map.of("VALORATBOT_SHARDS", "10", "VALORATBOT_SHARD_CAPACITY", "4"));
        assertThat(c.on()).isTrue();
        assertThat(c.plan()).isEqualTo(new ShardPlan.Dynamic(10, 4));
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aRangeHoldsExactlyItsShards() {
        assertThat(read(Map.of("VALORATBOT_SHARDS", "10", "VALORATBOT_SHARD_RANGE", "0-3"))
                        .plan())
                .isEqualTo(new ShardPlan.Static(10, 0, 3));
        assertThat(read(Map.of("VALORATBOT_SHARDS", "10", "VALORATBOT_SHARD_RANGE", "7"))
                        .plan())
                .isEqualTo(new ShardPlan.Static(10, 7, 7));
    }

    @Test
    void autoAsksDiscordForTheTotal() {
        ShardConfig c = read(Map.of("VALORATBOT_SHARDS", "auto", "VALORATBOT_SHARD_CAPACITY", "2"));
        assertThat(c.on()).isTrue();
        assertThat(c.auto()).isTrue();
        assertThat(c.autoCapacity()).isEqualTo(2);
    }

    @Test
    void mistakesNameTheKey() {
        assertThatThrownBy(() -> read(Map.of("VALORATBOT_SHARDS", "ten"))).hasMessageContaining("VALORATBOT_SHARDS");
        assertThatThrownBy(() -> read(Map.of("VALORATBOT_SHARDS", "4", "VALORATBOT_SHARD_RANGE", "2-4")))
                .hasMessageContaining("VALORATBOT_SHARD_RANGE")
                .hasMessageContaining("0-3");
        assertThatThrownBy(() -> read(Map.of("VALORATBOT_SHARDS", "4", "VALORATBOT_SHARD_RANGE", "a-b")))
                .hasMessageContaining("VALORATBOT_SHARD_RANGE");
        assertThatThrownBy(() -> read(Map.of("VALORATBOT_SHARD_CAPACITY", "2")))
                .hasMessageContaining("need VALORATBOT_SHARDS");
        assertThatThrownBy(() -> read(Map.of("VALORATBOT_SHARDS", "auto", "VALORATBOT_SHARD_RANGE", "0-1")))
                .hasMessageContaining("not auto");
        assertThatThrownBy(() -> read(Map.of(
                        "VALORATBOT_SHARDS", "4", "VALORATBOT_SHARD_RANGE", "0-1", "VALORATBOT_SHARD_CAPACITY", "2")))
                .hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> read(Map.of("VALORATBOT_SHARDS", "4", "VALORATBOT_SHARD_LEASE", "1s")))
                .hasMessageContaining("VALORATBOT_SHARD_LEASE");
    }

    @Test
    void theShardKeysAreKnownSettings() {
        // An unknown VALORATBOT_ key stops the worker: these must not.
        WorkerConfig.from(
                Settings.of(Map.of(
                        "DISCORD_TOKEN", "t",
                        "VALORATBOT_SHARDS", "4",
                        "VALORATBOT_SHARD_RANGE", "0-1",
                        "VALORATBOT_SHARD_LEASE", "10s")),
                false);
    }
}
