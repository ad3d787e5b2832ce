package com.valoratbot.bench;

import com.valoratbot.core.activity.*;
import com.valoratbot.core.text.Language;
import com.valoratbot.discord.leaderboard.LeaderboardCardRenderer;
import java.io.File;
import java.time.*;
import java.util.List;
import javax.imageio.ImageIO;

/** Renders the sample card shown in docs/activity-and-leaderboards.md: {@code benchmarks/run SampleCard docs/images/leaderboard-card.png}. */
public final class SampleCard {
    public static void main(String[] a) throws Exception {
        var messages = LeaderboardCard.rank(List.of(
                new LeaderboardCard.Standing("1", "alice", 412), new LeaderboardCard.Standing("2", "bob", 377),
                new LeaderboardCard.Standing("3", "Camille", 251), new LeaderboardCard.Standing("4", "dédé_du_93", 190),
                new LeaderboardCard.Standing("5", "Eva", 122), new LeaderboardCard.Standing("6", "frank", 97),
                new LeaderboardCard.Standing("7", "Gaëlle", 64), new LeaderboardCard.Standing("8", "hugo", 41),
                new LeaderboardCard.Standing("9", "Inès", 23), new LeaderboardCard.Standing("10", "jules", 9)));
        var voice = LeaderboardCard.rank(List.of(
                new LeaderboardCard.Standing("2", "bob", 5 * 3600 + 1200),
                new LeaderboardCard.Standing("1", "alice", 3 * 3600 + 600),
                new LeaderboardCard.Standing("5", "Eva", 2 * 3600),
                new LeaderboardCard.Standing("3", "Camille", 4100),
                new LeaderboardCard.Standing("8", "hugo", 1800)));
        var card = new LeaderboardCard(
                new ActivityPeriod(LocalDate.of(2026, 11, 17), LocalDate.of(2026, 11, 23)),
                ZoneId.of("Europe/Paris"),
                messages,
                voice);
        System.setProperty("java.awt.headless", "true");
        ImageIO.write(
                LeaderboardCardRenderer.create(Language.FR).render(card, "Valorat Sandbox"), "png", new File(a[0]));
    }
}
