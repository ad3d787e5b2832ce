package com.valoratbot.discord.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.text.Language;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LeaderboardCardRendererTest {

    private final LeaderboardCardRenderer renderer = LeaderboardCardRenderer.create(Language.FR);

    private static BufferedImage decode(byte[] png) throws IOException {
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a decodable PNG").isNotNull();
        return image;
    }

    /** Distinct colours, and the share of pixels that are not the dark background. */
    private static double[] colourStats(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        long drawn = 0;
        int background = LeaderboardCardRenderer.BACKGROUND.getRGB() & 0xFFFFFF;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != background) drawn++;
            }
        }
        return new double[] {colours.size(), (double) drawn / ((long) image.getWidth() * image.getHeight())};
    }

    @Test
    void aFullCardDecodesBackAsAWideImageWithTenRowsDrawnInManyColours() throws IOException {
        BufferedImage image = decode(renderer.png(Cards.full(), "Les Valorants"));
        assertThat(image.getWidth()).isEqualTo(LeaderboardCardRenderer.WIDTH);
        assertThat(image.getHeight()).isEqualTo(132 + 54 + 10 * 54 + 48 + 36);
        double[] stats = colourStats(image);
        assertThat(stats[0])
                .as("distinct colours (text antialiasing, badges, bars)")
                .isGreaterThan(200);
        assertThat(stats[1]).as("share of non-background pixels").isGreaterThan(0.4);
    }

    @Test
    void theLeadersBarIsFullWidthAndTheOthersAreShorter() {
        BufferedImage image = renderer.render(Cards.full(), "Les Valorants");
        int x0 = 36 + 74;
        int firstBarY = 132 + 54 + 33 + 5;
        int lastBarY = firstBarY + 9 * 54;
        // Blurple (#5865F2) runs along the whole track for the leader and stops early for the last.
        int trackEnd = 36 + (1100 - 72 - 28) / 2 - 130 - 24 - 4;
        assertThat(isBlurple(image.getRGB(trackEnd, firstBarY))).isTrue();
        assertThat(isBlurple(image.getRGB(x0 + 5, lastBarY))).isTrue();
        assertThat(isBlurple(image.getRGB(trackEnd, lastBarY))).isFalse();
    }

    private static boolean isBlurple(int rgb) {
        int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
        return Math.abs(r - 0x58) < 12 && Math.abs(g - 0x65) < 12 && Math.abs(b - 0xF2) < 12;
    }

    @Test
    void anEmptyCardStillRendersItsFrame() throws IOException {
        BufferedImage image = decode(renderer.png(Cards.empty(), "Calme plat"));
        assertThat(image.getHeight()).isEqualTo(132 + 54 + 3 * 54 + 48 + 36);
        assertThat(colourStats(image)[0]).isGreaterThan(20);
    }

    @Test
    void valuesReadAsPeopleWriteThem() {
        assertThat(LeaderboardCardRenderer.grouped(1234567)).isEqualTo("1 234 567");
        assertThat(LeaderboardCardRenderer.grouped(42)).isEqualTo("42");
        assertThat(LeaderboardCardRenderer.duration(45_300)).isEqualTo("12 h 35");
        assertThat(LeaderboardCardRenderer.duration(2_700)).isEqualTo("45 min");
        assertThat(LeaderboardCardRenderer.duration(30)).isEqualTo("30 s");
    }

    @Test
    void charactersTheFontCannotDrawAreLeftOutRatherThanShownAsBoxes() {
        java.awt.Graphics2D g = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB).createGraphics();
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 18));
        org.junit.jupiter.api.Assumptions.assumeFalse(g.getFont().canDisplay(0x1F3AE), "this system has an emoji font");
        assertThat(LeaderboardCardRenderer.drawable(g, "Émilie \uD83C\uDFAE pro"))
                .isEqualTo("Émilie pro");
        assertThat(LeaderboardCardRenderer.drawable(g, "\uD83C\uDFAE")).isEqualTo("?");
        g.dispose();
    }

    @Test
    void theRendererRunsWithoutADisplay() {
        renderer.render(Cards.empty(), "x");
        assertThat(java.awt.GraphicsEnvironment.isHeadless()).isTrue();
    }
}
