package com.valoratbot.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Announcement.MentionKind;
import com.valoratbot.core.command.Embed;
import com.valoratbot.core.command.Snowflake;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnnouncementJsonTest {

    @Test
    void anAnnouncementWithEmbedAndMentionsComesBackIdentical() {
        var a = new Announcement(
                Snowflake.of(1111111111111111111L),
                Optional.of("Soirée « jeux » ce soir !"),
                Optional.of(new Embed(
                        Optional.of("Titre"),
                        Optional.of("Description"),
                        Optional.of(0xE11D48),
                        Optional.of(URI.create("https://example.com/image.png")))),
                Set.of(MentionKind.EVERYONE, MentionKind.ROLES));
        assertThat(AnnouncementJson.read(AnnouncementJson.write(a))).isEqualTo(a);
    }

    @Test
    void aPlainMessageComesBackWithoutEmbedNorMentions() {
        var a = new Announcement(Snowflake.of(2222222222222222222L), Optional.of("hello"), Optional.empty(), Set.of());
        assertThat(AnnouncementJson.read(AnnouncementJson.write(a))).isEqualTo(a);
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> AnnouncementJson.read("{\"message\":\"no channel\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
