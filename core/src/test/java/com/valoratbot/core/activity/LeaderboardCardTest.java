package com.valoratbot.core.activity;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.activity.LeaderboardCard.Row;
import com.valoratbot.core.activity.LeaderboardCard.Standing;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderboardCardTest {

    @Test
    void equalTotalsShareARankAndTheNextRankSkips() {
        List<Row> rows = LeaderboardCard.rank(List.of(
                new Standing("1", "a", 5),
                new Standing("2", "b", 9),
                new Standing("3", "c", 5),
                new Standing("4", "d", 1)));
        assertThat(rows)
                .containsExactly(
                        new Row(1, "2", "b", 9),
                        new Row(2, "1", "a", 5),
                        new Row(2, "3", "c", 5),
                        new Row(4, "4", "d", 1));
    }

    @Test
    void onlyTheTopTenWithSomethingToShowAreKept() {
        List<Standing> many = new ArrayList<>();
        for (int i = 1; i <= 15; i++) many.add(new Standing(String.valueOf(i), "m" + i, i));
        many.add(new Standing("0", "idle", 0));
        List<Row> rows = LeaderboardCard.rank(many);
        assertThat(rows).hasSize(10);
        assertThat(rows.getFirst().value()).isEqualTo(15);
        assertThat(rows.getLast().value()).isEqualTo(6);
        assertThat(LeaderboardCard.rank(List.of(new Standing("0", "idle", 0)))).isEmpty();
    }

    @Test
    void theLastSevenDaysOnASundayEveningRunFromMondayToThatSunday() {
        ActivityPeriod p = ActivityPeriod.lastDays(Instant.parse("2025-12-21T19:00:00Z"), ZoneId.of("Europe/Paris"), 7);
        assertThat(p).isEqualTo(new ActivityPeriod(LocalDate.parse("2025-12-15"), LocalDate.parse("2025-12-21")));
        assertThat(p.days()).isEqualTo(7);
    }
}
