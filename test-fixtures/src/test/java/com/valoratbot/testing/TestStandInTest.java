package com.valoratbot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TestStandInTest {

    private static final List<DiscordStandIn> SEEN = new CopyOnWriteArrayList<>();

    /** An instance field: one stand-in per test. */
    @RegisterExtension
    final TestStandIn discord =
            TestStandIn.with(b -> b.botToken("fixture-token")).seeded(DemoGuild::seed);

    @Test
    void eachTestOfAnInstanceFieldGetsItsOwnFreshlySeededStandIn() {
        assertThat(SEEN).doesNotContain(discord.standIn());
        SEEN.add(discord.standIn());
        assertThat(discord.state().guilds()).hasSize(1);
        discord.state().createGuild(DemoGuild.GUILD_ID + 1_000, "left behind");
    }

    @Test
    void aRealJdaLogsInWithTheSettingsTokenAndSeesTheSeededGuild() throws InterruptedException {
        assertThat(SEEN).doesNotContain(discord.standIn());
        SEEN.add(discord.standIn());
        JDA jda = discord.jda();

        assertThat(jda.getStatus()).isEqualTo(JDA.Status.CONNECTED);
        assertThat(jda.getGuildById(DemoGuild.GUILD_ID).getName()).isEqualTo(DemoGuild.GUILD_NAME);
        assertThat(discord.state().guilds()).hasSize(1);
        assertThat(discord.standIn().botToken()).isEqualTo("fixture-token");
    }
}
