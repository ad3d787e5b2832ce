package com.valoratbot.core.activity;

import java.time.LocalDate;
import java.util.List;

/**
 * Counts gathered since the previous flush: increments, not totals.
 *
 * @param days  one row per guild, member and local day with something to add
 * @param names the latest display name of members whose name is new or changed, so a member who left
 *              is still shown by the name they last had
 */
public record ActivityBatch(List<DailyActivity> days, List<MemberName> names) {

    public ActivityBatch {
        days = List.copyOf(days);
        names = List.copyOf(names);
    }

    public boolean isEmpty() {
        return days.isEmpty() && names.isEmpty();
    }

    /** @param day the member's local day in the guild's time zone */
    public record DailyActivity(long guildId, long userId, LocalDate day, long messages, long voiceSeconds) {}

    public record MemberName(long guildId, long userId, String name) {}
}
