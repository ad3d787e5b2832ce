package com.valoratbot.standin;

import java.time.Duration;
import java.time.Instant;

/**
 * The fixed sandbox guild "Valorat Sandbox". Ids are stable so other modules and humans can rely on them;
 * the README lists them. Message times are relative to the moment of seeding.
 */
public final class DemoGuild {

    public static final long GUILD_ID = 1_100_000_000_000_000_001L;
    public static final String GUILD_NAME = "Valorat Sandbox";

    public static final long TEXT_CATEGORY_ID = 1_100_000_000_000_000_100L;
    public static final long GENERAL_ID = 1_100_000_000_000_000_101L;
    public static final long ANNONCES_ID = 1_100_000_000_000_000_102L;
    public static final long MODERATION_ID = 1_100_000_000_000_000_103L;
    public static final long NEWS_ID = 1_100_000_000_000_000_104L;
    public static final long VOICE_CATEGORY_ID = 1_100_000_000_000_000_200L;
    public static final long VOCAL_ID = 1_100_000_000_000_000_201L;
    public static final long AFK_ID = 1_100_000_000_000_000_202L;

    public static final long ALICE_ID = 1_100_000_000_000_000_301L;
    public static final long BOB_ID = 1_100_000_000_000_000_302L;
    public static final long HELPERBOT_ID = 1_100_000_000_000_000_303L;
    public static final long ADMIN_ID = 1_100_000_000_000_000_304L;

    public static final long MODERATORS_ROLE_ID = 1_100_000_000_000_000_401L;
    public static final long MEMBRES_ROLE_ID = 1_100_000_000_000_000_402L;
    public static final long BOT_ROLE_ID = 1_100_000_000_000_000_403L;

    /** What the project's bot is granted in the sandbox: exactly what its invite link asks for. */
    public static final long BOT_PERMISSIONS = Permissions.BOT_DEFAULT;

    /** Messages in #general: 60, of which {@link #GENERAL_OLD_MESSAGES} are older than 14 days and one is pinned. */
    public static final int GENERAL_MESSAGES = 60;

    public static final int GENERAL_OLD_MESSAGES = 5;

    private static final String[] CHATTER = {
        "Salut tout le monde !", "Quelqu'un pour une partie ce soir ?", "gg pour hier", "Je suis en retard, désolé",
        "Qui a vu le dernier patch ?", "On se retrouve en vocal ?", "Merci pour l'aide", "lol",
        "Le serveur est calme aujourd'hui", "Bonne nuit !",
    };

    private DemoGuild() {}

    /**
     * Members talking in #general now, as MESSAGE_CREATE events a connected bot sees, so a newcomer's
     * first leaderboard has names on it: alice most, then bob, then admin. Call once the bot is
     * connected (the seeded history predates it and counts for nothing).
     */
    public static void liven(StandInState state) {
        Instant now = Instant.now();
        long[][] talkers = {{ALICE_ID, 12}, {BOB_ID, 7}, {ADMIN_ID, 4}};
        int line = 0;
        for (long[] talker : talkers) {
            for (int i = 0; i < talker[1]; i++) {
                state.addMessage(GENERAL_ID, talker[0], CHATTER[line++ % CHATTER.length], now, false);
            }
        }
    }

    /** Seeds the sandbox guild into {@code state} (once per state: the ids are fixed). */
    public static void seed(StandInState state) {
        Instant now = Instant.now();
        GuildSeed guild = state.createGuild(GUILD_ID, GUILD_NAME, BOT_ROLE_ID)
                .role(MODERATORS_ROLE_ID, "Moderators", Permissions.ADMINISTRATOR)
                .role(MEMBRES_ROLE_ID, "Membres", 0)
                .botPermissions(BOT_PERMISSIONS)
                .member(ADMIN_ID, "admin", false, MODERATORS_ROLE_ID)
                .member(ALICE_ID, "alice", false, MEMBRES_ROLE_ID)
                .member(BOB_ID, "bob", false, MEMBRES_ROLE_ID)
                .member(HELPERBOT_ID, "helperbot", true)
                .owner(ADMIN_ID)
                .category(TEXT_CATEGORY_ID, "Salons textuels")
                .textChannel(GENERAL_ID, "general", TEXT_CATEGORY_ID)
                .textChannel(ANNONCES_ID, "annonces", TEXT_CATEGORY_ID)
                .textChannel(MODERATION_ID, "moderation", TEXT_CATEGORY_ID)
                .announcementChannel(NEWS_ID, "news", TEXT_CATEGORY_ID)
                .category(VOICE_CATEGORY_ID, "Salons vocaux")
                .voiceChannel(VOCAL_ID, "Vocal", VOICE_CATEGORY_ID)
                .voiceChannel(AFK_ID, "AFK", VOICE_CATEGORY_ID)
                .afkChannel(AFK_ID)
                .afkTimeout(300);
        // #moderation is staff-only: hidden from @everyone, shown to moderators and to the bot's role.
        guild.overwrite(MODERATION_ID, GUILD_ID, OverwriteType.ROLE, 0, Permissions.VIEW_CHANNEL)
                .overwrite(MODERATION_ID, MODERATORS_ROLE_ID, OverwriteType.ROLE, Permissions.VIEW_CHANNEL, 0)
                .overwrite(MODERATION_ID, BOT_ROLE_ID, OverwriteType.ROLE, Permissions.VIEW_CHANNEL, 0);
        // #annonces is read-only for members.
        guild.overwrite(ANNONCES_ID, MEMBRES_ROLE_ID, OverwriteType.ROLE, 0, Permissions.SEND_MESSAGES);

        seedGeneral(state, now);
        state.addMessage(
                ANNONCES_ID, ADMIN_ID, "Bienvenue sur Valorat Sandbox !", now.minus(Duration.ofDays(30)), true);
        state.addMessage(ANNONCES_ID, ADMIN_ID, "Tournoi samedi à 20h.", now.minus(Duration.ofDays(2)), false);
        state.addMessage(NEWS_ID, ADMIN_ID, "Patch notes 1.2 disponibles.", now.minus(Duration.ofDays(1)), false);
        state.addMessage(
                MODERATION_ID, ADMIN_ID, "Pensez à vérifier les signalements.", now.minus(Duration.ofHours(5)), false);
    }

    // 5 messages between 20 and 16 days old, then 55 spread over the last 13 days up to a few minutes ago.
    private static void seedGeneral(StandInState state, Instant now) {
        long[] authors = {ALICE_ID, BOB_ID, HELPERBOT_ID, ADMIN_ID, ALICE_ID, BOB_ID};
        for (int i = 0; i < GENERAL_OLD_MESSAGES; i++) {
            Instant at = now.minus(Duration.ofDays(20 - i)).plus(Duration.ofMinutes(i * 7L));
            state.addMessage(
                    GENERAL_ID, authors[i % authors.length], "[ancien] " + CHATTER[i % CHATTER.length], at, false);
        }
        int recent = GENERAL_MESSAGES - GENERAL_OLD_MESSAGES;
        Duration span = Duration.ofDays(13);
        for (int i = 0; i < recent; i++) {
            Instant at =
                    now.minus(span).plus(span.minusMinutes(5).multipliedBy(i).dividedBy(recent - 1));
            long author = authors[i % authors.length];
            boolean pinned = i == 10;
            String content = pinned
                    ? "Règles : soyez sympas, pas de spam, pas de pub."
                    : author == HELPERBOT_ID ? "🤖 Rappel automatique n°" + i : CHATTER[i % CHATTER.length];
            state.addMessage(GENERAL_ID, pinned ? ADMIN_ID : author, content, at, pinned);
        }
    }
}
