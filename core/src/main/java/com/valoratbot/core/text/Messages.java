package com.valoratbot.core.text;

import com.valoratbot.core.result.Text;
import java.text.MessageFormat;
import java.util.Collection;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.stream.Collectors;

/** Renders {@link Text} in one language from {@code com/valoratbot/core/messages_*.properties}. */
public final class Messages {

    private final ResourceBundle bundle;
    private final Language language;

    public Messages(Language language) {
        this.language = language;
        this.bundle = ResourceBundle.getBundle(
                "com.valoratbot.core.messages",
                language.locale(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    public Language language() {
        return language;
    }

    public String render(Text text) {
        String pattern;
        try {
            pattern = bundle.getString(text.key());
        } catch (MissingResourceException unknownKey) {
            // An adapter's new key without a translation must still say something useful.
            pattern = text.key() + (text.args().isEmpty() ? "" : " {0}");
        }
        Object[] args = text.args().stream().map(this::renderArg).toArray();
        return new MessageFormat(pattern, language.locale()).format(args);
    }

    private Object renderArg(Object arg) {
        return switch (arg) {
            case Text nested -> render(nested);
            case Collection<?> many ->
                many.stream().map(this::renderArg).map(String::valueOf).collect(Collectors.joining(" ; "));
            // Numbers go through as strings: MessageFormat would group digits ("1,000", or an id "123,456,…").
            case Number n -> n.toString();
            case null -> "null";
            default -> arg;
        };
    }
}
