package com.valoratbot.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.result.Text;
import com.valoratbot.core.text.Language;
import com.valoratbot.core.text.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private static Properties load(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = MessagesTest.class.getResourceAsStream("/com/valoratbot/core/" + name)) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void everyFrenchReasonHasAnEnglishTranslationAndBackAgain() throws IOException {
        assertThat(load("messages_en.properties").stringPropertyNames())
                .isEqualTo(load("messages_fr.properties").stringPropertyNames());
    }

    @Test
    void noPatternUsesAStraightApostropheThatMessageFormatWouldSwallow() throws IOException {
        for (String file : new String[] {"messages_fr.properties", "messages_en.properties"}) {
            load(file)
                    .forEach((k, v) -> assertThat((String) v).as(file + " " + k).doesNotContain("'"));
        }
    }

    @Test
    void idsAreNotGroupedLikeNumbers() {
        assertThat(new Messages(Language.EN).render(Text.of("channel_not_found", 123456789012345678L)))
                .isEqualTo("Channel 123456789012345678 does not exist on this server.");
    }

    @Test
    void anUnknownKeyStillRendersSomethingUseful() {
        assertThat(new Messages(Language.FR).render(Text.of("some.new.key", "detail")))
                .isEqualTo("some.new.key detail");
    }

    @Test
    void theLanguageIsParsedFromConfiguration() {
        assertThat(Language.parse("EN")).isEqualTo(Language.EN);
        assertThat(Language.parse("français")).isEqualTo(Language.FR);
    }
}
