package com.valoratbot.discord.leaderboard;

import com.valoratbot.core.activity.LeaderboardCard;
import com.valoratbot.core.text.Language;
import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmark, not a test: prints JSON lines with the median time to render one full leaderboard card
 * (ten rows per column), as an image and as PNG bytes ready to upload, after a warm-up.
 * Run: {@code ./mvnw -q -pl adapters-discord test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=com.valoratbot.discord.leaderboard.LeaderboardBench}
 */
public final class LeaderboardBench {

    public static void main(String[] args) {
        LeaderboardCardRenderer renderer = LeaderboardCardRenderer.create(Language.FR);
        LeaderboardCard card = Cards.full();
        int warmup = 30, runs = 60;
        double[] image = new double[runs];
        double[] png = new double[runs];
        long bytes = 0;
        for (int i = 0; i < warmup; i++) bytes += renderer.png(card, "Les Valorants").length;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            renderer.render(card, "Les Valorants");
            image[i] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            bytes = renderer.png(card, "Les Valorants").length;
            png[i] = (System.nanoTime() - start) / 1e6;
        }
        System.out.printf(
                Locale.ROOT,
                "{\"bench\":\"leaderboard_card_render\",\"unit\":\"ms\",\"runs\":%d,\"median\":%.2f,\"p90\":%.2f}%n",
                runs,
                percentile(image, 50),
                percentile(image, 90));
        System.out.printf(
                Locale.ROOT,
                "{\"bench\":\"leaderboard_card_png\",\"unit\":\"ms\",\"runs\":%d,\"median\":%.2f,\"p90\":%.2f,\"png_bytes\":%d}%n",
                runs,
                percentile(png, 50),
                percentile(png, 90),
                bytes);
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.round(p / 100.0 * (sorted.length - 1)))];
    }
}
