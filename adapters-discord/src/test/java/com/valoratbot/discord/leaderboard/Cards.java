package com.valoratbot.discord.leaderboard;

import com.valoratbot.core.activity.ActivityPeriod;
import com.valoratbot.core.activity.LeaderboardCard;
import com.valoratbot.core.activity.LeaderboardCard.Standing;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Known leaderboards for the tests and the benchmark. */
final class Cards {

    static final ActivityPeriod WEEK = new ActivityPeriod(LocalDate.parse("2025-12-15"), LocalDate.parse("2025-12-21"));

    private Cards() {}

    /** Ten members in each column, values falling from the leader, one tie, names long and short. */
    static LeaderboardCard full() {
        String[] names = {
            "Alice",
            "Bob le Bricoleur",
            "Chloé",
            "Dimitri",
            "Émilie ✨",
            "Farid",
            "Gaëlle",
            "Hugo",
            "Inès avec un pseudo beaucoup trop long pour tenir sur la carte",
            "Jules"
        };
        List<Standing> messages = new ArrayList<>();
        List<Standing> voice = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            messages.add(new Standing(Long.toString(1000 + i), names[i], i == 2 ? 800 : 1234 - i * 110L));
            voice.add(new Standing(Long.toString(1000 + i), names[names.length - 1 - i], 45_000 - i * 4_000L));
        }
        return new LeaderboardCard(
                WEEK, ZoneId.of("Europe/Paris"), LeaderboardCard.rank(messages), LeaderboardCard.rank(voice));
    }

    static LeaderboardCard empty() {
        return new LeaderboardCard(WEEK, ZoneId.of("Europe/Paris"), List.of(), List.of());
    }
}
