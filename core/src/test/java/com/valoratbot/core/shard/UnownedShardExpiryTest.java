package com.valoratbot.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.core.port.shard.UnownedCommands;
import com.valoratbot.core.text.Language;
import com.valoratbot.core.text.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnownedShardExpiryTest {

    private record Call(int shard, int total, Duration maxAge, String json) {}

    private static final class Recording implements UnownedCommands {
        final Set<Integer> unowned;
        final List<Call> calls = new ArrayList<>();

        Recording(Set<Integer> unowned) {
            this.unowned = unowned;
        }

        @Override
        public Set<Integer> unownedShards(int total) {
            return unowned;
        }

        @Override
        public int expire(int shard, int total, Duration maxAge, String resultJson) {
            calls.add(new Call(shard, total, maxAge, resultJson));
            return 2;
        }
    }

    @Test
    void onlyTheShardsNobodyHoldsHaveTheirOldCommandsEndedExpiredWithTheShardNamed() throws Exception {
        Recording store = new Recording(Set.of(3));
        UnownedShardExpiry expiry = new UnownedShardExpiry(store, new Messages(Language.EN), 4, Duration.ofSeconds(24));

        assertThat(expiry.sweep()).isEqualTo(2);

        assertThat(store.calls).hasSize(1);
        Call call = store.calls.getFirst();
        assertThat(call.shard()).isEqualTo(3);
        assertThat(call.maxAge()).isEqualTo(Duration.ofSeconds(24));
        JsonNode json = new ObjectMapper().readTree(call.json());
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("code").asText()).isEqualTo("expired");
        assertThat(json.get("reason").asText())
                .isEqualTo(
                        "Command expired: for more than 24 s no worker of the bot held its server’s shard (3 of 4),"
                                + " so nobody could run it. Start another worker (or raise VALORATBOT_SHARD_CAPACITY) and send it again.");
        assertThat(json.get("shard").asInt()).isEqualTo(3);
        assertThat(json.get("shardCount").asInt()).isEqualTo(4);
    }

    @Test
    void theReasonIsInFrenchByDefaultAsTheDashboard() throws Exception {
        Recording store = new Recording(Set.of(0));
        new UnownedShardExpiry(store, new Messages(Language.FR), 2, Duration.ofSeconds(24)).sweep();
        assertThat(new ObjectMapper()
                        .readTree(store.calls.getFirst().json())
                        .get("reason")
                        .asText())
                .startsWith("Commande expirée : pendant plus de 24 s aucun worker");
    }

    @Test
    void nothingIsEndedWhileEveryShardHasAnOwner() {
        Recording store = new Recording(Set.of());
        assertThat(new UnownedShardExpiry(store, new Messages(Language.EN), 4, Duration.ofSeconds(24)).sweep())
                .isZero();
        assertThat(store.calls).isEmpty();
    }
}
