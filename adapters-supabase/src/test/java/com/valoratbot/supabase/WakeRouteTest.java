package com.valoratbot.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WakeRouteTest {

    static final String T = "public.commands";
    // (id >> 22) % 4: 309944152835 ≡ 3 and 309944152832 ≡ 0.
    static final String ON_3 = Long.toString(309944152835L << 22);
    static final String ON_0 = Long.toString(309944152832L << 22);

    @Test
    void theTableAloneAnEmptyPayloadOrAnUnshardedQueueAlwaysWake() {
        assertThat(WakeRoute.wakes(T, T, 4, new int[] {1})).isTrue();
        assertThat(WakeRoute.wakes("", T, 4, new int[] {1})).isTrue();
        assertThat(WakeRoute.wakes(null, T, 4, new int[] {1})).isTrue();
        assertThat(WakeRoute.wakes(T + " " + ON_3, T, 0, new int[0])).isTrue();
    }

    @Test
    void anotherCommandTablesNotificationNeverWakes() {
        assertThat(WakeRoute.wakes("public.other", T, 4, new int[] {0})).isFalse();
        assertThat(WakeRoute.wakes("public.commands2 " + ON_0, T, 4, new int[] {0}))
                .isFalse();
    }

    @Test
    void guildIdsWakeOnlyTheQueueOwningOneOfTheirShards() {
        assertThat(WakeRoute.wakes(T + " " + ON_3, T, 4, new int[] {3})).isTrue();
        assertThat(WakeRoute.wakes(T + " " + ON_3, T, 4, new int[] {0, 1, 2})).isFalse();
        assertThat(WakeRoute.wakes(T + " " + ON_3 + "," + ON_0, T, 4, new int[] {0}))
                .isTrue();
        assertThat(WakeRoute.wakes(T + " " + ON_3 + "," + ON_0, T, 4, new int[] {1, 2}))
                .isFalse();
    }

    @Test
    void anIdItCannotReadWakesAndOneAboveBigintIsShardZeroAsInTheDatabase() {
        assertThat(WakeRoute.wakes(T + " 12a", T, 4, new int[] {1})).isTrue();
        assertThat(WakeRoute.wakes(T + " ", T, 4, new int[] {1})).isTrue();
        assertThat(WakeRoute.wakes(T + " 99999999999999999999", T, 4, new int[] {0}))
                .isTrue();
        assertThat(WakeRoute.wakes(T + " 99999999999999999999", T, 4, new int[] {1}))
                .isFalse();
    }
}
