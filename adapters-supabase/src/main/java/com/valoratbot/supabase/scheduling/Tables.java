package com.valoratbot.supabase.scheduling;

/** The package's tables (migrations V100+), schema-qualified. */
final class Tables {

    static final String SCHEMA = "valoratbot";
    static final String GUILD_SETTINGS = SCHEMA + ".guild_settings";
    static final String SCHEDULED_ANNOUNCEMENTS = SCHEMA + ".scheduled_announcements";
    static final String LEADERBOARD_SCHEDULES = SCHEMA + ".leaderboard_schedules";
    static final String ACTIVITY_DAILY = SCHEMA + ".activity_daily";
    static final String MEMBER_NAMES = SCHEMA + ".member_names";
    static final String ANNOUNCEMENT_TASKS = SCHEMA + ".announcement_tasks";
    static final String LEADERBOARD_TASKS = SCHEMA + ".leaderboard_tasks";

    private Tables() {}
}
