package com.valoratbot.standin;

import static com.valoratbot.standin.Permissions.ALL;
import static com.valoratbot.standin.Permissions.SEND_MESSAGES;
import static com.valoratbot.standin.Permissions.VIEW_CHANNEL;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discord's permission hierarchy, checked without a server. */
class PermissionRulesTest {

    private static final long GUILD = 500L << 22;
    private static final long CHANNEL = GUILD + 1;
    private static final long ROLE_A = GUILD + 2;
    private static final long ROLE_B = GUILD + 3;
    private static final long ADMINS = GUILD + 4;
    private static final long OWNER = GUILD + 10;
    private static final long USER = GUILD + 11;
    private static final long ADMIN = GUILD + 12;

    private StandInState state;

    @BeforeEach
    void seed() {
        state = DiscordStandIn.builder().build().state();
        state.createGuild(GUILD, "Règles")
                .role(ROLE_A, "A", 0)
                .role(ROLE_B, "B", 0)
                .role(ADMINS, "Admins", Permissions.ADMINISTRATOR)
                .member(OWNER, "owner", false)
                .member(USER, "user", false, ROLE_A, ROLE_B)
                .member(ADMIN, "admin", false, ADMINS)
                .owner(OWNER)
                .everyonePermissions(VIEW_CHANNEL | SEND_MESSAGES)
                .textChannel(CHANNEL, "salon");
    }

    @Test
    void theOwnerAndAdministratorsHoldEverythingWhateverTheOverwrites() {
        state.setOverwrite(CHANNEL, GUILD, OverwriteType.ROLE, 0, VIEW_CHANNEL);

        assertThat(state.effectivePermissions(CHANNEL, OWNER)).isEqualTo(ALL);
        assertThat(state.effectivePermissions(CHANNEL, ADMIN)).isEqualTo(ALL);
    }

    @Test
    void aRoleAllowBeatsAnotherRoleSDeny() {
        state.setOverwrite(CHANNEL, ROLE_A, OverwriteType.ROLE, 0, SEND_MESSAGES);
        state.setOverwrite(CHANNEL, ROLE_B, OverwriteType.ROLE, SEND_MESSAGES, 0);

        assertThat(state.effectivePermissions(CHANNEL, USER) & SEND_MESSAGES).isEqualTo(SEND_MESSAGES);
    }

    @Test
    void theMemberSOwnOverwriteComesLast() {
        state.setOverwrite(CHANNEL, ROLE_B, OverwriteType.ROLE, SEND_MESSAGES, 0);
        state.setOverwrite(CHANNEL, USER, OverwriteType.MEMBER, 0, SEND_MESSAGES);

        assertThat(state.effectivePermissions(CHANNEL, USER) & SEND_MESSAGES).isZero();
    }

    @Test
    void withoutViewChannelNothingElseCounts() {
        state.setOverwrite(CHANNEL, GUILD, OverwriteType.ROLE, 0, VIEW_CHANNEL);

        assertThat(state.effectivePermissions(CHANNEL, USER)).isZero();
    }

    @Test
    void aRoleOverwriteRestoresWhatTheEveryoneOverwriteTook() {
        state.setOverwrite(CHANNEL, GUILD, OverwriteType.ROLE, 0, VIEW_CHANNEL);
        state.setOverwrite(CHANNEL, ROLE_A, OverwriteType.ROLE, VIEW_CHANNEL, 0);

        assertThat(state.effectivePermissions(CHANNEL, USER) & VIEW_CHANNEL).isEqualTo(VIEW_CHANNEL);
    }
}
