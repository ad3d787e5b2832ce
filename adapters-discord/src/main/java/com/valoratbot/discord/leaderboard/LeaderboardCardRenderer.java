package com.valoratbot.discord.leaderboard;

import com.valoratbot.core.activity.LeaderboardCard;
import com.valoratbot.core.activity.LeaderboardCard.Row;
import com.valoratbot.core.result.Text;
import com.valoratbot.core.text.Language;
import com.valoratbot.core.text.Messages;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Draws a leaderboard as a PNG card with Java2D, headless: the guild's name and the period on top, then
 * two columns (messages, voice time) of up to ten rows each: rank badge (gold, silver, bronze for the
 * podium), name, a bar proportional to the column's leader, and the value. Colours follow Discord's dark
 * theme (background #313338, panels #2B2D31) so the card sits flush in the chat.
 *
 * <p>Thread-safe and allocation-light apart from the image itself; fonts are the JDK's logical
 * SansSerif (DejaVu Sans on most Linux systems, which needs a font package: fonts-dejavu-core).
 */
public final class LeaderboardCardRenderer {

    static {
        // Must be decided before the first AWT call: a worker has no display.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    public static final int WIDTH = 1100;
    /** ImageIO's PNG quality: 1 is the fastest deflate, 0 the smallest file. */
    private static final float PNG_SPEED = 0.75f;

    private static final int PAD = 36;
    private static final int HEADER = 132;
    private static final int COLUMN_TITLE = 54;
    private static final int ROW = 54;
    private static final int FOOTER = 48;
    private static final int COLUMN_GAP = 28;

    static final Color BACKGROUND = new Color(0x31, 0x33, 0x38);
    private static final Color PANEL = new Color(0x2B, 0x2D, 0x31);
    private static final Color TEXT = new Color(0xF2, 0xF3, 0xF5);
    private static final Color MUTED = new Color(0xB5, 0xBA, 0xC1);
    private static final Color TRACK = new Color(0x3F, 0x41, 0x47);
    private static final Color BLURPLE = new Color(0x58, 0x65, 0xF2);
    private static final Color GREEN = new Color(0x23, 0xA5, 0x5A);
    private static final Color[] PODIUM = {
        new Color(0xF0, 0xB2, 0x32), new Color(0xC9, 0xCD, 0xD4), new Color(0xCD, 0x7F, 0x32)
    };

    private final Messages messages;
    private final DateTimeFormatter dates;

    private LeaderboardCardRenderer(Language language) {
        this.messages = new Messages(language);
        this.dates = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(language.locale());
    }

    public static LeaderboardCardRenderer create(Language language) {
        return new LeaderboardCardRenderer(Objects.requireNonNull(language, "language"));
    }

    /** The card as PNG bytes. */
    public byte[] png(LeaderboardCard card, String guildName) {
        BufferedImage image = render(card, guildName);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 * 1024);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            // A fast deflate level: the card is flat colours and text, it compresses well anyway.
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(PNG_SPEED);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The card as an image (tests and the benchmark look at it before encoding). */
    public BufferedImage render(LeaderboardCard card, String guildName) {
        int rows = Math.max(3, Math.max(card.messages().size(), card.voice().size()));
        int height = HEADER + COLUMN_TITLE + rows * ROW + FOOTER + PAD;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH, height);
            header(g, card, guildName);
            int columnWidth = (WIDTH - 2 * PAD - COLUMN_GAP) / 2;
            int top = HEADER;
            column(
                    g,
                    PAD,
                    top,
                    columnWidth,
                    rows,
                    messages.render(Text.of("leaderboard.messages")),
                    BLURPLE,
                    card.messages(),
                    v -> messages.render(Text.of("leaderboard.messages_count", grouped(v))));
            column(
                    g,
                    PAD + columnWidth + COLUMN_GAP,
                    top,
                    columnWidth,
                    rows,
                    messages.render(Text.of("leaderboard.voice")),
                    GREEN,
                    card.voice(),
                    LeaderboardCardRenderer::duration);
            g.setFont(font(Font.PLAIN, 17));
            g.setColor(MUTED);
            String footer = messages.render(Text.of(
                    "leaderboard.footer", card.period().days(), card.zone().getId()));
            g.drawString(footer, PAD, height - PAD / 2 - 8);
        } finally {
            g.dispose();
        }
        return image;
    }

    private void header(Graphics2D g, LeaderboardCard card, String guildName) {
        g.setPaint(new GradientPaint(0, 0, BLURPLE, WIDTH, 0, GREEN));
        g.fillRect(0, 0, WIDTH, 8);
        g.setColor(TEXT);
        g.setFont(font(Font.BOLD, 38));
        g.drawString(
                fit(g, messages.render(Text.of("leaderboard.title", drawable(g, guildName))), WIDTH - 2 * PAD),
                PAD,
                66);
        g.setColor(MUTED);
        g.setFont(font(Font.PLAIN, 22));
        g.drawString(
                messages.render(Text.of(
                        "leaderboard.period",
                        dates.format(card.period().from()),
                        dates.format(card.period().to()))),
                PAD,
                104);
    }

    private void column(
            Graphics2D g,
            int x,
            int y,
            int width,
            int rows,
            String title,
            Color accent,
            List<Row> entries,
            LongFunction<String> value) {
        int height = COLUMN_TITLE + rows * ROW + 12;
        g.setColor(PANEL);
        g.fill(new RoundRectangle2D.Float(x, y, width, height, 24, 24));
        g.setColor(accent);
        g.fill(new RoundRectangle2D.Float(x + 20, y + 20, 6, 24, 6, 6));
        g.setColor(TEXT);
        g.setFont(font(Font.BOLD, 24));
        g.drawString(title, x + 38, y + 40);
        if (entries.isEmpty()) {
            g.setColor(MUTED);
            g.setFont(font(Font.ITALIC, 20));
            g.drawString(messages.render(Text.of("leaderboard.empty_column")), x + 38, y + COLUMN_TITLE + ROW / 2 + 8);
            return;
        }
        long max = entries.stream().mapToLong(Row::value).max().orElse(1);
        int nameX = x + 74;
        int valueWidth = 130;
        int barX = nameX;
        int barMaxWidth = width - (barX - x) - valueWidth - 24;
        for (int i = 0; i < entries.size(); i++) {
            Row row = entries.get(i);
            int top = y + COLUMN_TITLE + i * ROW;
            // Rank badge.
            Color badge = row.rank() <= 3 ? PODIUM[row.rank() - 1] : TRACK;
            g.setColor(badge);
            g.fillOval(x + 22, top + 9, 36, 36);
            g.setColor(row.rank() <= 3 ? PANEL : TEXT);
            g.setFont(font(Font.BOLD, 18));
            centered(g, Integer.toString(row.rank()), x + 40, top + 33);
            // Name above its bar.
            g.setColor(TEXT);
            g.setFont(font(Font.BOLD, 18));
            g.drawString(fit(g, drawable(g, row.name()), barMaxWidth), nameX, top + 24);
            int barY = top + 33;
            g.setColor(TRACK);
            g.fill(new RoundRectangle2D.Float(barX, barY, barMaxWidth, 10, 10, 10));
            int barWidth = (int) Math.max(10, Math.round((double) row.value() / max * barMaxWidth));
            g.setColor(accent);
            g.fill(new RoundRectangle2D.Float(barX, barY, barWidth, 10, 10, 10));
            // Value, right-aligned.
            g.setColor(MUTED);
            g.setFont(font(Font.PLAIN, 18));
            String text = value.apply(row.value());
            FontMetrics fm = g.getFontMetrics();
            g.drawString(text, x + width - 20 - fm.stringWidth(text), top + 38);
        }
        g.setStroke(new BasicStroke(1));
    }

    private static void centered(Graphics2D g, String text, int cx, int baseline) {
        g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2f, baseline);
    }

    /**
     * The text without the characters the font has no glyph for (emoji, mostly), which would show as
     * empty boxes; a name made only of those falls back to "?".
     */
    static String drawable(Graphics2D g, String text) {
        Font font = g.getFont();
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints()
                .filter(cp -> font.canDisplay(cp) && !Character.isISOControl(cp))
                .forEach(out::appendCodePoint);
        String cleaned = out.toString().strip().replaceAll("\\s{2,}", " ");
        return cleaned.isEmpty() ? "?" : cleaned;
    }

    /** The text, cut with an ellipsis to fit {@code width} pixels in the current font. */
    static String fit(Graphics2D g, String text, int width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(text) <= width) return text;
        int end = text.length();
        while (end > 0 && fm.stringWidth(text.substring(0, end) + "…") > width) end--;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) end--;
        return text.substring(0, end) + "…";
    }

    private static Font font(int style, int size) {
        return new Font(Font.SANS_SERIF, style, size);
    }

    /** 1234567 as "1 234 567": a plain space reads the same in every language and every font. */
    static String grouped(long value) {
        String digits = Long.toString(value);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) out.append(' ');
            out.append(digits.charAt(i));
        }
        return out.toString();
    }

    /** Seconds as "12 h 05", "45 min" or "30 s". */
    static String duration(long seconds) {
        if (seconds >= 3600) return seconds / 3600 + " h " + String.format("%02d", (seconds % 3600) / 60);
        if (seconds >= 60) return seconds / 60 + " min";
        return seconds + " s";
    }
}
