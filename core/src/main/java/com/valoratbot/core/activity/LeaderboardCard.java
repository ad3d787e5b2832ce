package com.valoratbot.core.activity;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a posted leaderboard shows: the top members by messages and by voice time over a period.
 * Rows are ordered best first; {@link Row#rank} is the competition rank (ties share a rank and the
 * next rank skips: 1, 2, 2, 4).
 */
public record LeaderboardCard(ActivityPeriod period, ZoneId zone, List<Row> messages, List<Row> voice) {

    public static final int TOP = 10;

    public LeaderboardCard {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(zone, "zone");
        messages = List.copyOf(messages);
        voice = List.copyOf(voice);
    }

    /** @param value messages sent, or seconds spent in voice */
    public record Row(int rank, String userId, String name, long value) {}

    /** A member's total before ranking. */
    public record Standing(String userId, String name, long value) {}

    public boolean isEmpty() {
        return messages.isEmpty() && voice.isEmpty();
    }

    /**
     * Ranks standings by value, highest first; equal values keep the given order (the store's stable
     * tie-break) and share a rank. Zero values are dropped; at most {@link #TOP} rows are kept.
     */
    public static List<Row> rank(List<Standing> standings) {
        List<Standing> sorted =
                new ArrayList<>(standings.stream().filter(s -> s.value() > 0).toList());
        sorted.sort((a, b) -> Long.compare(b.value(), a.value()));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < sorted.size() && i < TOP; i++) {
            Standing s = sorted.get(i);
            int rank = i > 0 && sorted.get(i - 1).value() == s.value()
                    ? rows.get(i - 1).rank()
                    : i + 1;
            rows.add(new Row(rank, s.userId(), s.name(), s.value()));
        }
        return List.copyOf(rows);
    }
}
